#include "pipeline/outpaint_pipeline.h"

#include <memory>

#include "core/canvas.h"
#include "core/colour.h"
#include "core/composite.h"
#include "core/mask.h"

namespace outpaint {

Image RunOutpaint(const OutpaintParams& params, ComputePool& compute, ProgressSink& sink, Denoiser* denoiser) {
  const Placement& placement = params.placement;
  Image canvas = PlaceOnCanvas(params.original, placement);
  const Mask mask = BuildOutpaintMask(placement, params.blur);

  const bool fill_answers = denoiser == nullptr || denoiser->StartsFromCanvas();
  std::unique_ptr<Infill> infill;
  if (fill_answers || HasAlpha(canvas.channels)) {
    const FillContext context{mask, KnownRect(placement, params.blur), params.seed, compute};
    infill = MakeInfill(fill_answers ? params.infill : InfillMethod::kEdge, context, canvas);
  }

  constexpr int kCompositeSteps = 1;
  StepReporter reporter(sink, (infill ? infill->StepCount() : 0) + (denoiser ? denoiser->StepCount() : 0) + kCompositeSteps);
  if (infill) {
    reporter.BeginStage("INFILL");
    infill->Run(canvas, reporter);
  }
  if (denoiser) WriteColour(denoiser->Denoise(ColourOf(canvas.View()), mask, params.seed, reporter), canvas);

  reporter.BeginStage("COMPOSITING");
  PasteBackRows(params.original, placement, mask, canvas, 0, placement.canvas_height);
  reporter.Advance();
  return canvas;
}

}  // namespace outpaint
