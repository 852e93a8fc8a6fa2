#pragma once

#include <cstdint>

#include "core/image.h"
#include "core/placement.h"
#include "fill/infill.h"
#include "runtime/progress.h"

namespace outpaint {

// One CPU outpaint, already validated by the TypeScript layer.
struct OutpaintParams {
  ImageView original;
  Placement placement;
  InfillMethod infill = InfillMethod::kEdge;
  int feather = 0;
  uint64_t seed = 0;
};

// Canvas placement, infill of the new area, feathered mask and paste-back. Reports stages
// INFILL and COMPOSITING; throws NativeError("CANCELLED") when the sink asks to stop.
Image RunOutpaint(const OutpaintParams& params, ProgressSink& sink);

}  // namespace outpaint
