#pragma once

#include "core/image.h"
#include "core/placement.h"

namespace outpaint {

// The outpaint mask: 255 over new area, 0 over the original, and a feather band of `feather`
// pixels that ramps down from the seams into the original so a generated border blends in.
// Sides of the original that touch the canvas edge are not seams and get no band.
Mask BuildOutpaintMask(const Placement& placement, int feather);

}  // namespace outpaint
