#include "flux/image_tensor.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace outpaint::flux {

void ImageToTensor(const uint8_t* rgb, const float* mask, int height, int width, float* out) {
  const size_t pixels = static_cast<size_t>(height) * width;
  for (size_t i = 0; i < pixels; ++i) {
    const bool masked = mask != nullptr && mask[i] > 0.5f;
    for (int c = 0; c < 3; ++c) out[c * pixels + i] = masked ? 0.0f : rgb[i * 3 + c] / 127.5f - 1.0f;
  }
}

void TensorToImage(const float* image, int height, int width, uint8_t* rgb) {
  const size_t pixels = static_cast<size_t>(height) * width;
  for (size_t i = 0; i < pixels; ++i) {
    for (int c = 0; c < 3; ++c) {
      const float unit = std::clamp((image[c * pixels + i] + 1.0f) * 0.5f, 0.0f, 1.0f);
      rgb[i * 3 + c] = static_cast<uint8_t>(std::lrint(unit * 255.0f));
    }
  }
}

}  // namespace outpaint::flux
