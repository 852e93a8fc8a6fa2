#pragma once

#include <cstdint>

namespace outpaint::flux {

// RGB 8 bits [H, W, 3] to a planar image [3, H, W] in [-1, 1], the VAE's input range. With a
// mask (fp32 [H, W], 1 = new content), masked pixels become 0, FLUX Fill's masked image.
void ImageToTensor(const uint8_t* rgb, const float* mask, int height, int width, float* out);

// Planar [3, H, W] in [-1, 1] (the VAE decoder's output) to RGB 8 bits, clamped and rounded.
void TensorToImage(const float* image, int height, int width, uint8_t* rgb);

}  // namespace outpaint::flux
