#pragma once

#include "core/image.h"
#include "core/placement.h"
#include "core/rect.h"

namespace outpaint {

// The outpaint mask: 255 over new area, 0 over the original, and a feather band of `feather`
// pixels that ramps down from the seams into the original so a generated border blends in.
// Sides of the original that touch the canvas edge are not seams and get no band.
Mask BuildOutpaintMask(const Placement& placement, int feather);

// The part of the original outside the feather band: where the mask is 0 and pixels are kept
// as they are. Fills copy from here; everything else on the canvas is theirs to synthesize.
Rect KnownRect(const Placement& placement, int feather);

}  // namespace outpaint
