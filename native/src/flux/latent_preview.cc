#include "flux/latent_preview.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace outpaint::flux {

const float kPreviewFactors[kLatentChannels][3] = {
    {-0.0346f, 0.0244f, 0.0681f},  {0.0034f, 0.0210f, 0.0687f},   {0.0275f, -0.0668f, -0.0433f},
    {-0.0174f, 0.0160f, 0.0617f},  {0.0859f, 0.0721f, 0.0329f},   {0.0004f, 0.0383f, 0.0115f},
    {0.0405f, 0.0861f, 0.0915f},   {-0.0236f, -0.0185f, -0.0259f}, {-0.0245f, 0.0250f, 0.1180f},
    {0.1008f, 0.0755f, -0.0421f},  {-0.0515f, 0.0201f, 0.0011f},  {0.0428f, -0.0012f, -0.0036f},
    {0.0817f, 0.0765f, 0.0749f},   {-0.1264f, -0.0522f, -0.1103f}, {-0.0280f, -0.0881f, -0.0499f},
    {-0.1262f, -0.0982f, -0.0778f},
};
const float kPreviewBias[3] = {-0.0329f, -0.0718f, -0.0851f};

void PreviewLatents(const float* packed, const LatentGrid& grid, uint8_t* rgb) {
  const int half_w = grid.width / 2;
  for (int y = 0; y < grid.height; ++y) {
    for (int x = 0; x < grid.width; ++x) {
      const float* token = packed + (static_cast<size_t>(y / 2) * half_w + x / 2) * (kLatentChannels * 4);
      const int within = 2 * (y % 2) + x % 2;
      uint8_t* out = rgb + (static_cast<size_t>(y) * grid.width + x) * 3;
      for (int k = 0; k < 3; ++k) {
        float value = kPreviewBias[k];
        for (int c = 0; c < kLatentChannels; ++c) value += token[c * 4 + within] * kPreviewFactors[c][k];
        const float unit = std::clamp((value + 1.0f) * 0.5f, 0.0f, 1.0f);
        out[k] = static_cast<uint8_t>(std::lrint(unit * 255.0f));
      }
    }
  }
}

}  // namespace outpaint::flux
