#include "fill/patchmatch/masked_image.h"

#include <algorithm>
#include <array>

namespace outpaint::patchmatch {

MaskedImage FromCanvas(const Image& canvas, const Mask& mask) {
  MaskedImage level;
  level.width = canvas.width;
  level.height = canvas.height;
  level.channels = canvas.channels;
  level.colour_channels = canvas.channels;
  level.pixels = canvas.pixels;
  level.hole.resize(mask.values.size());
  std::transform(mask.values.begin(), mask.values.end(), level.hole.begin(), [](uint8_t m) { return m > 0 ? 1 : 0; });
  return level;
}

MaskedImage WithChannels(const MaskedImage& image, int channels) {
  MaskedImage level;
  level.width = image.width;
  level.height = image.height;
  level.channels = channels;
  level.colour_channels = image.colour_channels;
  level.hole = image.hole;
  level.pixels.assign(image.hole.size() * static_cast<size_t>(channels), 0);
  const int shared = std::min(channels, image.channels);
  for (size_t i = 0; i < image.hole.size(); ++i) std::copy(image.Pixel(i), image.Pixel(i) + shared, level.Pixel(i));
  return level;
}

MaskedImage Downsample(const MaskedImage& fine) {
  MaskedImage coarse;
  coarse.width = (fine.width + 1) / 2;
  coarse.height = (fine.height + 1) / 2;
  coarse.channels = fine.channels;
  coarse.colour_channels = fine.colour_channels;
  coarse.pixels.assign(static_cast<size_t>(coarse.width) * coarse.height * coarse.channels, 0);
  coarse.hole.assign(static_cast<size_t>(coarse.width) * coarse.height, 0);
  const int c = fine.channels;
  for (int y = 0; y < coarse.height; ++y) {
    for (int x = 0; x < coarse.width; ++x) {
      std::array<int, kMaxChannels> sum{};
      int known = 0;
      int covered = 0;
      for (int dy = 0; dy < 2; ++dy) {
        for (int dx = 0; dx < 2; ++dx) {
          const int fx = 2 * x + dx, fy = 2 * y + dy;
          if (fx >= fine.width || fy >= fine.height) continue;
          ++covered;
          const size_t index = fine.Index(fx, fy);
          if (fine.hole[index]) continue;
          ++known;
          const uint8_t* px = fine.Pixel(index);
          for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] += px[k];
        }
      }
      const size_t index = coarse.Index(x, y);
      coarse.hole[index] = known < covered ? 1 : 0;
      if (known == 0) continue;
      uint8_t* out = coarse.Pixel(index);
      for (int k = 0; k < c; ++k) out[k] = static_cast<uint8_t>((sum[static_cast<size_t>(k)] + known / 2) / known);
    }
  }
  return coarse;
}

void UpsampleHoles(const MaskedImage& coarse, MaskedImage& fine) {
  const size_t c = static_cast<size_t>(fine.channels);
  for (int y = 0; y < fine.height; ++y) {
    const int cy = std::min(y / 2, coarse.height - 1);
    for (int x = 0; x < fine.width; ++x) {
      const size_t index = fine.Index(x, y);
      if (!fine.hole[index]) continue;
      const uint8_t* src = coarse.Pixel(coarse.Index(std::min(x / 2, coarse.width - 1), cy));
      std::copy(src, src + c, fine.Pixel(index));
    }
  }
}

std::vector<uint16_t> HoleDepth(const MaskedImage& image) {
  const int w = image.width, h = image.height;
  constexpr uint16_t kDeep = 65535;
  std::vector<uint16_t> depth(image.hole.size());
  for (size_t i = 0; i < depth.size(); ++i) depth[i] = image.hole[i] ? kDeep : 0;
  const auto at = [w](int x, int y) { return static_cast<size_t>(y) * w + x; };
  auto relax = [&](int x, int y, int nx, int ny) {
    if (nx < 0 || ny < 0 || nx >= w || ny >= h) return;
    uint16_t& here = depth[at(x, y)];
    const uint16_t there = depth[at(nx, ny)];
    if (there != kDeep && there + 1 < here) here = static_cast<uint16_t>(there + 1);
  };
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      relax(x, y, x - 1, y);
      relax(x, y, x - 1, y - 1);
      relax(x, y, x, y - 1);
      relax(x, y, x + 1, y - 1);
    }
  }
  for (int y = h - 1; y >= 0; --y) {
    for (int x = w - 1; x >= 0; --x) {
      relax(x, y, x + 1, y);
      relax(x, y, x + 1, y + 1);
      relax(x, y, x, y + 1);
      relax(x, y, x - 1, y + 1);
    }
  }
  return depth;
}

int DeepestHole(const MaskedImage& image) {
  const std::vector<uint16_t> depth = HoleDepth(image);
  return depth.empty() ? 0 : *std::max_element(depth.begin(), depth.end());
}

void OnionPeelFill(MaskedImage& image) {
  const int w = image.width, h = image.height, c = image.channels;
  std::vector<uint8_t> set(image.hole.size());
  std::transform(image.hole.begin(), image.hole.end(), set.begin(), [](uint8_t hole) { return hole ? 0 : 1; });
  std::vector<size_t> ring;
  std::vector<std::array<int, kMaxChannels>> sums;
  for (bool progress = true; progress;) {
    progress = false;
    ring.clear();
    sums.clear();
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const size_t index = image.Index(x, y);
        if (set[index]) continue;
        std::array<int, kMaxChannels> sum{};
        int count = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int nx = x + dx, ny = y + dy;
            if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
            const size_t neighbour = image.Index(nx, ny);
            if (!set[neighbour]) continue;
            const uint8_t* px = image.Pixel(neighbour);
            for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] += px[k];
            ++count;
          }
        }
        if (count == 0) continue;
        for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] = (sum[static_cast<size_t>(k)] + count / 2) / count;
        ring.push_back(index);
        sums.push_back(sum);
      }
    }
    for (size_t i = 0; i < ring.size(); ++i) {
      uint8_t* out = image.Pixel(ring[i]);
      for (int k = 0; k < c; ++k) out[k] = static_cast<uint8_t>(sums[i][static_cast<size_t>(k)]);
      set[ring[i]] = 1;
      progress = true;
    }
  }
}

}  // namespace outpaint::patchmatch
