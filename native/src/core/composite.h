#pragma once

#include "core/image.h"
#include "core/placement.h"

namespace outpaint {

// Paste-back: inside the original's rectangle, blends `generated` toward the original by the
// mask, writing the original byte-for-byte wherever the mask is 0. Outside the rectangle the
// mask is 255 and `generated` is kept. Rows [row_begin, row_end) of the canvas are processed.
void PasteBackRows(const ImageView& original, const Placement& placement, const Mask& mask, Image& generated,
                   int row_begin, int row_end);

}  // namespace outpaint
