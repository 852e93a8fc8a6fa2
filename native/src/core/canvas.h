#pragma once

#include "core/image.h"
#include "core/placement.h"

namespace outpaint {

// A canvas of the final size holding the original at its placement; every other pixel is zero.
Image PlaceOnCanvas(const ImageView& original, const Placement& placement);

}  // namespace outpaint
