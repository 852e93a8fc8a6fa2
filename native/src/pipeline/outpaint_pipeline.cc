#include "pipeline/outpaint_pipeline.h"

#include "core/canvas.h"
#include "core/composite.h"
#include "core/mask.h"

namespace outpaint {

Image RunOutpaint(const OutpaintParams& params, ComputePool& compute, ProgressSink& sink) {
  const Placement& placement = params.placement;
  Image canvas = PlaceOnCanvas(params.original, placement);
  const Mask mask = BuildOutpaintMask(placement, params.blur);
  const FillContext context{mask, KnownRect(placement, params.blur), params.seed, compute};
  std::unique_ptr<Infill> infill = MakeInfill(params.infill, context, canvas);

  constexpr int kCompositeSteps = 1;
  StepReporter reporter(sink, infill->StepCount() + kCompositeSteps);

  reporter.BeginStage("INFILL");
  infill->Run(canvas, reporter);

  reporter.BeginStage("COMPOSITING");
  PasteBackRows(params.original, placement, mask, canvas, 0, placement.canvas_height);
  reporter.Advance();
  return canvas;
}

}  // namespace outpaint
