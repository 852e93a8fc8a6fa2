#include "fill/patchmatch/texture_features.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace outpaint::patchmatch {
namespace {

constexpr int kFeatureChannels = 2;

std::vector<uint8_t> Luminance(const MaskedImage& image) {
  std::vector<uint8_t> luma(image.hole.size());
  for (size_t i = 0; i < luma.size(); ++i) {
    const uint8_t* px = image.Pixel(i);
    // ITU-R BT.601 weights in 8-bit fixed point; grey images use their one colour channel.
    luma[i] = static_cast<uint8_t>(image.colour_channels >= 3 ? (77 * px[0] + 150 * px[1] + 29 * px[2]) >> 8 : px[0]);
  }
  return luma;
}

// Sums of one direction's differences (and how many there were) along each row's window.
struct RowWindows {
  std::vector<uint16_t> sum;  // at most (2 * radius + 1) * 255
  std::vector<uint8_t> count;
};

// `step` is 1 for horizontal differences, the row length for vertical ones.
RowWindows DifferenceWindows(const MaskedImage& image, const std::vector<uint8_t>& luma, size_t step, int radius) {
  const int w = image.width, h = image.height;
  std::vector<uint8_t> difference(luma.size(), 0);
  std::vector<uint8_t> valid(luma.size(), 0);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = image.Index(x, y);
      const bool inside = step == 1 ? x + 1 < w : y + 1 < h;
      if (!inside || image.hole[i] || image.hole[i + step]) continue;
      difference[i] = static_cast<uint8_t>(std::abs(luma[i + step] - luma[i]));
      valid[i] = 1;
    }
  }
  RowWindows windows{std::vector<uint16_t>(luma.size(), 0), std::vector<uint8_t>(luma.size(), 0)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = image.Index(x, y);
      for (int dx = std::max(-radius, -x); dx <= std::min(radius, w - 1 - x); ++dx) {
        windows.sum[i] = static_cast<uint16_t>(windows.sum[i] + difference[i + dx]);
        windows.count[i] = static_cast<uint8_t>(windows.count[i] + valid[i + dx]);
      }
    }
  }
  return windows;
}

}  // namespace

MaskedImage WithTextureFeatures(const MaskedImage& image, int radius, int scale) {
  const int w = image.width, h = image.height;
  const std::vector<uint8_t> luma = Luminance(image);
  const RowWindows windows[kFeatureChannels] = {DifferenceWindows(image, luma, 1, radius),
                                                DifferenceWindows(image, luma, static_cast<size_t>(w), radius)};
  MaskedImage featured = WithChannels(image, image.colour_channels + kFeatureChannels);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = image.Index(x, y);
      if (image.hole[i]) continue;
      uint8_t* out = featured.Pixel(i);
      for (int f = 0; f < kFeatureChannels; ++f) {
        int64_t sum = 0, count = 0;
        for (int dy = std::max(-radius, -y); dy <= std::min(radius, h - 1 - y); ++dy) {
          const size_t row = image.Index(x, y + dy);
          sum += windows[f].sum[row];
          count += windows[f].count[row];
        }
        if (count == 0) continue;
        out[image.colour_channels + f] = static_cast<uint8_t>(std::min<int64_t>((scale * sum + count / 2) / count, 255));
      }
    }
  }
  return featured;
}

}  // namespace outpaint::patchmatch
