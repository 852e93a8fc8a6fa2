#pragma once

#include "core/image.h"

namespace outpaint {

// Colour in and out of a denoiser, which sees RGB only. Canvases have 1 (grey), 2 (grey and
// alpha), 3 (RGB) or 4 (RGBA) channels; alpha is never the denoiser's.

// The canvas as RGB: grey repeated into R, G and B; alpha dropped.
Image ColourOf(const ImageView& canvas);

// Writes a denoiser's RGB into the canvas's colour channels, leaving alpha as it is: RGB as it
// is, grey as the luma of ITU-R BT.601 (0.299 R + 0.587 G + 0.114 B, rounded). `rgb` has the
// canvas's size.
void WriteColour(const Image& rgb, Image& canvas);

// 2 and 4 channels carry alpha.
constexpr bool HasAlpha(int channels) { return channels == 2 || channels == 4; }

}  // namespace outpaint
