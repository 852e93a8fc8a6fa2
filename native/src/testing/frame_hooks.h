#pragma once

#include <napi.h>

namespace outpaint::testing {

// The pipeline frame (pipeline/outpaint_pipeline.h, pipeline/generate.h) with a stand-in
// denoiser, run synchronously on small images, so what the frame does around any denoiser
// (pre-fill, alpha, grey, paste-back, progress) is tested without a GPU:
//   runOutpaint(request, standIn) and runGenerate({ width, height, seed, init? }, standIn)
// -> { image, received: { rgb, mask } | null, events: [[stage, step, total]] }, where standIn =
// { colour: [r, g, b], startsFromCanvas, steps } answers every pixel with `colour` after
// reporting `steps` steps, and `received` is the RGB canvas and mask the frame gave it.
Napi::Object FrameHooks(Napi::Env env);

}  // namespace outpaint::testing
