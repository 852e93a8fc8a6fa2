#pragma once

#include <cstdint>

#include "core/image.h"
#include "runtime/progress.h"

namespace outpaint {

// What a denoising backend adds to the pipeline frame (outpaint_pipeline.h, generate.h): new
// colour for the canvas. Everything else (canvas, mask, pre-fill, alpha, paste-back) is the
// frame's, written once for every backend.
class Denoiser {
 public:
  virtual ~Denoiser() = default;
  // True when it starts from the canvas as it is (image to image, strength below 1), so the
  // frame pre-fills the new area with the requested infill first.
  virtual bool StartsFromCanvas() const = 0;
  // How many times Denoise() advances the reporter.
  virtual int StepCount() const = 0;
  // New RGB for the whole canvas from its RGB and the mask (255: new content, 0: keep).
  virtual Image Denoise(const Image& rgb, const Mask& mask, uint64_t seed, StepReporter& reporter) = 0;
};

}  // namespace outpaint
