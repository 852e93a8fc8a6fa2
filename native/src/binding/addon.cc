#include <napi.h>

#include "binding/fill_engine.h"
#include "fill/infill.h"

namespace outpaint::binding {
namespace {

// Bumped whenever the JS-facing contract of this addon changes; the TypeScript loader refuses
// a build whose ABI differs from the one it was written for.
constexpr int kBindingAbi = 1;

}  // namespace
}  // namespace outpaint::binding

static Napi::Object InitOutpaintAddon(Napi::Env env, Napi::Object exports) {
  using namespace outpaint::binding;
  exports.Set("FillEngine", FillEngine::DefineClass(env));
  exports.Set("bindingAbi", Napi::Number::New(env, kBindingAbi));
  const std::vector<const char*> names = outpaint::InfillMethodNames();
  Napi::Array infill = Napi::Array::New(env, names.size());
  for (uint32_t i = 0; i < names.size(); ++i) infill.Set(i, names[i]);
  exports.Set("infillMethods", infill);
  return exports;
}

NODE_API_MODULE(outpaint_native, InitOutpaintAddon)
