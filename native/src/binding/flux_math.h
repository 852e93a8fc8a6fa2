#pragma once

#include <napi.h>

namespace outpaint::binding {

// The CPU references of FLUX.1 Fill's formulas (native/src/flux), exposed so tests can check
// them against independently computed values and tools can inspect a schedule:
// { sigmas, firstStep, packLatents, unpackLatents, maskToLatentChannels, imageIds, eulerStep,
//   gaussianNoise, previewLatents, loraDeltas }. Arrays are Float32Array.
Napi::Object FluxMathExports(Napi::Env env);

}  // namespace outpaint::binding
