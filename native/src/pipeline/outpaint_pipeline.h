#pragma once

#include <cstdint>

#include "core/image.h"
#include "core/placement.h"
#include "fill/infill.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint {

// One CPU outpaint, already validated by the TypeScript layer.
struct OutpaintParams {
  ImageView original;
  Placement placement;
  InfillMethod infill = InfillMethod::kEdge;
  int blur = 0;  // width of the feather band at each seam, in pixels
  uint64_t seed = 0;
};

// Canvas placement, feathered mask, infill of everything the mask marks, and paste-back: pixels
// of the original outside the feather band come back byte-for-byte, the band blends the fill
// into the original. Reports stages INFILL and COMPOSITING; throws NativeError("CANCELLED")
// when the sink asks to stop.
Image RunOutpaint(const OutpaintParams& params, ComputePool& compute, ProgressSink& sink);

}  // namespace outpaint
