// The native tests' own addon (build/native/Release/outpaint_native_test.node, built with
// `node scripts/build-native.mjs --tests`): hooks into the native code that the production addon
// does not export.
#include <napi.h>

#include "testing/flux_math.h"
#include "testing/frame_hooks.h"
#include "testing/loader_hooks.h"

static Napi::Object InitOutpaintTestAddon(Napi::Env env, Napi::Object exports) {
  using namespace outpaint::testing;
  exports.Set("fluxMath", FluxMathExports(env));
  exports.Set("frame", FrameHooks(env));
  exports.Set("loader", LoaderHooks(env));
  return exports;
}

NODE_API_MODULE(outpaint_native_test, InitOutpaintTestAddon)
