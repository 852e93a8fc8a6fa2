#pragma once

#include <napi.h>

namespace outpaint::testing {

// The CPU references of FLUX's formulas (native/src/flux), for the tests to check against values
// computed independently from diffusers' formulas (test addon only): { sigmas, firstStep,
// packLatents, unpackLatents, maskToLatentChannels, imageIds, eulerStep, gaussianNoise,
// previewLatents, loraDeltas, imageToTensor, tensorToImage, concatFillInput, binarizeMask,
// normalizeLatent, denormalizeLatent, blendNoise, padImage, padMask, cropImage }. Arrays are
// Float32Array; images { data, width, height, channels }.
Napi::Object FluxMathExports(Napi::Env env);

}  // namespace outpaint::testing
