#include <napi.h>

#include "backends/backend_names.h"
#include "backends/flux_fill.h"
#include "binding/outpaint_engine.h"
#include "binding/js_errors.h"
#include "fill/infill.h"

namespace outpaint::binding {
namespace {

// Bumped whenever the JS-facing contract of this addon changes; the TypeScript loader refuses
// a build whose ABI differs from the one it was written for.
constexpr int kBindingAbi = 4;

// probeBackend("FLUX_FILL_TRT", modelDir) -> string[]: what is missing for it to run; [] when it can.
Napi::Value ProbeBackend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    ThrowInvalidArgument(env, "Expected (backend: string, modelDir: string)");
  }
  outpaint::BackendKind backend = outpaint::BackendKind::kCpuFill;
  try {
    backend = outpaint::ParseBackendKind(info[0].As<Napi::String>().Utf8Value());
  } catch (const outpaint::NativeError& error) {
    ThrowInvalidArgument(env, error.what());
  }
  std::vector<std::string> missing;
  if (backend == outpaint::BackendKind::kFluxFillTrt) missing = outpaint::ProbeFluxFill(info[1].As<Napi::String>().Utf8Value());
  Napi::Array result = Napi::Array::New(env, missing.size());
  for (uint32_t i = 0; i < missing.size(); ++i) result.Set(i, missing[i]);
  return result;
}

}  // namespace
}  // namespace outpaint::binding

static Napi::Object InitOutpaintAddon(Napi::Env env, Napi::Object exports) {
  using namespace outpaint::binding;
  exports.Set("OutpaintEngine", OutpaintEngine::DefineClass(env));
  exports.Set("bindingAbi", Napi::Number::New(env, kBindingAbi));
  exports.Set("probeBackend", Napi::Function::New<ProbeBackend>(env, "probeBackend"));
  const std::vector<const char*> names = outpaint::InfillMethodNames();
  Napi::Array infill = Napi::Array::New(env, names.size());
  for (uint32_t i = 0; i < names.size(); ++i) infill.Set(i, names[i]);
  exports.Set("infillMethods", infill);
  return exports;
}

NODE_API_MODULE(outpaint_native, InitOutpaintAddon)
