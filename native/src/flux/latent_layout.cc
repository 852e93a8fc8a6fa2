#include "flux/latent_layout.h"

namespace outpaint::flux {

void PackLatents(const float* latent, const LatentGrid& grid, float* packed) {
  const int half_w = grid.width / 2;
  const int packed_channels = grid.PackedChannels();
  for (int c = 0; c < grid.channels; ++c) {
    for (int y = 0; y < grid.height; ++y) {
      const float* row = latent + (static_cast<size_t>(c) * grid.height + y) * grid.width;
      const int i = y / 2;
      const int di = y % 2;
      for (int x = 0; x < grid.width; ++x) {
        const size_t token = static_cast<size_t>(i) * half_w + x / 2;
        packed[token * packed_channels + c * 4 + 2 * di + x % 2] = row[x];
      }
    }
  }
}

void UnpackLatents(const float* packed, const LatentGrid& grid, float* latent) {
  const int half_w = grid.width / 2;
  const int packed_channels = grid.PackedChannels();
  for (int c = 0; c < grid.channels; ++c) {
    for (int y = 0; y < grid.height; ++y) {
      float* row = latent + (static_cast<size_t>(c) * grid.height + y) * grid.width;
      const int i = y / 2;
      const int di = y % 2;
      for (int x = 0; x < grid.width; ++x) {
        const size_t token = static_cast<size_t>(i) * half_w + x / 2;
        row[x] = packed[token * packed_channels + c * 4 + 2 * di + x % 2];
      }
    }
  }
}

void MaskToLatentChannels(const float* mask, int height, int width, float* out) {
  const int h = height / 8;
  const int w = width / 8;
  for (int y = 0; y < height; ++y) {
    const float* row = mask + static_cast<size_t>(y) * width;
    for (int x = 0; x < width; ++x) {
      const int channel = (y % 8) * 8 + x % 8;
      out[(static_cast<size_t>(channel) * h + y / 8) * w + x / 8] = row[x];
    }
  }
}

void BinarizeMask(const uint8_t* mask, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i) out[i] = mask[i] > 127 ? 1.0f : 0.0f;
}

void ImageIds(const LatentGrid& grid, float* ids) {
  const int half_h = grid.height / 2;
  const int half_w = grid.width / 2;
  for (int i = 0; i < half_h; ++i) {
    for (int j = 0; j < half_w; ++j) {
      float* id = ids + (static_cast<size_t>(i) * half_w + j) * 3;
      id[0] = 0.0f;
      id[1] = static_cast<float>(i);
      id[2] = static_cast<float>(j);
    }
  }
}

void ConcatFillInput(const float* noisy, const float* masked_image, const float* mask, int tokens, float* hidden) {
  for (int t = 0; t < tokens; ++t) {
    float* out = hidden + static_cast<size_t>(t) * 384;
    for (int k = 0; k < 64; ++k) out[k] = noisy[static_cast<size_t>(t) * 64 + k];
    for (int k = 0; k < 64; ++k) out[64 + k] = masked_image[static_cast<size_t>(t) * 64 + k];
    for (int k = 0; k < 256; ++k) out[128 + k] = mask[static_cast<size_t>(t) * 256 + k];
  }
}

void NormalizeLatent(float* values, size_t count) {
  for (size_t i = 0; i < count; ++i) values[i] = (values[i] - kVaeShift) * kVaeScale;
}

void DenormalizeLatent(float* values, size_t count) {
  for (size_t i = 0; i < count; ++i) values[i] = values[i] / kVaeScale + kVaeShift;
}

}  // namespace outpaint::flux
