#pragma once

#include <cstdint>

#include "core/image.h"
#include "pipeline/denoiser.h"
#include "runtime/progress.h"

namespace outpaint {

// An image from text (no `init`) or from an image (`init`, of the same size), already validated
// by the TypeScript layer.
struct GenerateParams {
  int width = 0;
  int height = 0;
  uint64_t seed = 0;
  ImageView init;  // pixels == nullptr: none
};

// The pipeline frame for a whole new image: the canvas is `init` (or empty) and the mask marks
// all of it as new; the denoiser's RGB is the result (3 channels; an `init`'s alpha is dropped).
Image RunGenerate(const GenerateParams& params, Denoiser& denoiser, ProgressSink& sink);

}  // namespace outpaint
