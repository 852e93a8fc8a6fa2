#pragma once

#include "core/image.h"

namespace outpaint::flux {

// FLUX works on sizes that are multiples of 16 (8x VAE downscale, then 2x2 packing). Other
// sizes are padded up to the next multiple (edge pixels repeated, the padding marked as new
// content) and the result is cropped back, so users get exactly the size they asked for.
constexpr int kSizeMultiple = 16;
constexpr int PaddedExtent(int extent) { return (extent + kSizeMultiple - 1) / kSizeMultiple * kSizeMultiple; }

Image PadImage(const Image& image);
Mask PadMask(const Mask& mask);
Image CropImage(const Image& image, int width, int height);

}  // namespace outpaint::flux
