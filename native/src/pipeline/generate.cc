#include "pipeline/generate.h"

#include "core/colour.h"

namespace outpaint {

Image RunGenerate(const GenerateParams& params, Denoiser& denoiser, ProgressSink& sink) {
  const Image canvas = params.init.pixels != nullptr ? ColourOf(params.init) : Image(params.width, params.height, 3);
  const Mask mask(params.width, params.height, 255);
  StepReporter reporter(sink, denoiser.StepCount());
  return denoiser.Denoise(canvas, mask, params.seed, reporter);
}

}  // namespace outpaint
