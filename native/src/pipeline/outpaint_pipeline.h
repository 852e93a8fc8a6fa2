#pragma once

#include <cstdint>

#include "core/image.h"
#include "core/placement.h"
#include "fill/infill.h"
#include "pipeline/denoiser.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint {

// One outpaint on any backend, already validated by the TypeScript layer.
struct OutpaintParams {
  ImageView original;
  Placement placement;
  InfillMethod infill = InfillMethod::kEdge;
  int blur = 0;  // width of the feather band at each seam, in pixels
  uint64_t seed = 0;
};

// The pipeline frame every backend runs: canvas placement, feathered mask, pre-fill of what the
// mask marks, the denoiser's new colour (none on the CPU fill, where the pre-fill is the
// answer), and paste-back: pixels of the original outside the feather band come back
// byte-for-byte, the band blends the new content into the original.
//
// The pre-fill is the requested infill when there is no denoiser or the denoiser starts from
// the canvas; otherwise it runs only where the canvas has alpha, as EDGE, so the new area's
// alpha continues the original's (an opaque image stays opaque). A denoiser's RGB replaces the
// colour channels only: alpha is always the pre-fill's.
//
// Reports stages INFILL, the denoiser's own, and COMPOSITING; throws NativeError("CANCELLED")
// when the sink asks to stop.
Image RunOutpaint(const OutpaintParams& params, ComputePool& compute, ProgressSink& sink, Denoiser* denoiser = nullptr);

}  // namespace outpaint
