#include "fill/patchmatch/seam_blend.h"

#include <algorithm>
#include <array>
#include <vector>

#include "fill/patchmatch/interior_seams.h"

namespace outpaint::patchmatch {
namespace {

// Values with weights (0: unknown, 1: set) per pixel, channels interleaved.
struct WeightedGrid {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> values;
  std::vector<float> weights;

  WeightedGrid(int w, int h, int c)
      : width(w), height(h), channels(c), values(static_cast<size_t>(w) * h * c, 0.0f), weights(static_cast<size_t>(w) * h, 0.0f) {}
  size_t Index(int x, int y) const { return static_cast<size_t>(y) * width + x; }
};

WeightedGrid Pull(const WeightedGrid& fine) {
  WeightedGrid coarse((fine.width + 1) / 2, (fine.height + 1) / 2, fine.channels);
  const int c = fine.channels;
  for (int y = 0; y < coarse.height; ++y) {
    for (int x = 0; x < coarse.width; ++x) {
      float weight = 0.0f;
      std::array<float, kMaxChannels> sum{};
      for (int dy = 0; dy < 2; ++dy) {
        for (int dx = 0; dx < 2; ++dx) {
          const int fx = 2 * x + dx, fy = 2 * y + dy;
          if (fx >= fine.width || fy >= fine.height) continue;
          const size_t i = fine.Index(fx, fy);
          weight += fine.weights[i];
          for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] += fine.weights[i] * fine.values[i * c + k];
        }
      }
      const size_t o = coarse.Index(x, y);
      if (weight <= 0.0f) continue;
      coarse.weights[o] = std::min(weight, 1.0f);
      for (int k = 0; k < c; ++k) coarse.values[o * c + k] = sum[static_cast<size_t>(k)] / weight;
    }
  }
  return coarse;
}

// Fills what `fine` leaves unset from the bilinearly upsampled `coarse` (already complete).
void Push(const WeightedGrid& coarse, WeightedGrid& fine) {
  const int c = fine.channels;
  for (int y = 0; y < fine.height; ++y) {
    const float cy = std::clamp((y - 0.5f) / 2.0f, 0.0f, static_cast<float>(coarse.height - 1));
    const int y0 = static_cast<int>(cy), y1 = std::min(y0 + 1, coarse.height - 1);
    const float fy = cy - y0;
    for (int x = 0; x < fine.width; ++x) {
      const size_t i = fine.Index(x, y);
      const float keep = fine.weights[i];
      if (keep >= 1.0f) continue;
      const float cx = std::clamp((x - 0.5f) / 2.0f, 0.0f, static_cast<float>(coarse.width - 1));
      const int x0 = static_cast<int>(cx), x1 = std::min(x0 + 1, coarse.width - 1);
      const float fx = cx - x0;
      for (int k = 0; k < c; ++k) {
        const auto at = [&](int px, int py) { return coarse.values[coarse.Index(px, py) * c + k]; };
        const float up = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0)) + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1));
        fine.values[i * c + k] = keep * fine.values[i * c + k] + (1 - keep) * up;
      }
      fine.weights[i] = 1.0f;
    }
  }
}

constexpr int kRelaxSweeps = 24;
constexpr float kOverRelaxation = 1.8f;
// Sweeps reach about this deep; beyond, the pull-push membrane is kept as it is.
constexpr int kRelaxDepth = 16;
// How much stiffer an edge across the original's border is than an edge inside the fill. A
// mismatch the membrane cannot absorb (offsets that change from one pixel to the next along the
// border) lands where the edges are softest: with equal weights it stays on the border, one
// straight line the eye finds. Measured with bench/fill's border contrast error (the step across
// the border against the steps beside it): 0.119 on the right quarter and 0.052 on four sides
// with equal weights, 0.057 and 0.070 at twice as stiff, 0.050 and 0.091 at three times.
constexpr float kBorderStiffness = 2.0f;

// Gauss-Seidel sweeps with over-relaxation of a weighted Laplace equation over the hole near the
// seam: each value moves toward the weighted mean of its 4-neighbours, the seam's offsets and the
// membrane deeper than kRelaxDepth held fixed, the canvas edge free.
void Relax(const MaskedImage& image, const std::vector<uint16_t>& depth, const WeightedGrid& seam, WeightedGrid& membrane) {
  const int w = image.width, h = image.height, c = image.channels;
  std::vector<size_t> band;
  for (size_t i = 0; i < depth.size(); ++i) {
    if (depth[i] > 0 && depth[i] <= kRelaxDepth) band.push_back(i);
  }
  for (int sweep = 0; sweep < kRelaxSweeps; ++sweep) {
    for (const size_t i : band) {
      const int x = static_cast<int>(i % static_cast<size_t>(w)), y = static_cast<int>(i / static_cast<size_t>(w));
      std::array<float, kMaxChannels> sum{};
      float weight = 0.0f;
      const auto add = [&](size_t n) {
        if (!image.hole[n] && seam.weights[n] == 0.0f) return;  // known, but not on the seam
        const float stiffness = image.hole[n] ? 1.0f : kBorderStiffness;
        for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] += stiffness * membrane.values[n * c + k];
        weight += stiffness;
      };
      if (x > 0) add(i - 1);
      if (x + 1 < w) add(i + 1);
      if (y > 0) add(i - static_cast<size_t>(w));
      if (y + 1 < h) add(i + static_cast<size_t>(w));
      if (weight == 0.0f) continue;
      for (int k = 0; k < c; ++k) {
        float& value = membrane.values[i * c + k];
        value += kOverRelaxation * (sum[static_cast<size_t>(k)] / weight - value);
      }
    }
  }
}

// What the fill implies for known pixel (x, y) on the seam: the pixel beside the source of the
// hole pixel next to it, so that once the offset is added the step from the original into the
// hole is the source's own step there (measured with bench/fill: seam error on the right
// quarter 0.128 -> 0.074 against the matches' mean proposal). The proposal is the fallback.
bool SeamProposal(const Voter& voter, const std::vector<int32_t>& sources, const MaskedImage& image, int x, int y, float* out) {
  const int w = image.width, h = image.height;
  const int offsets[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
  for (const auto& offset : offsets) {
    const int qx = x + offset[0], qy = y + offset[1];
    if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
    const int32_t source = sources[image.Index(qx, qy)];
    if (source < 0) continue;
    const int px = source % w - offset[0], py = source / w - offset[1];
    if (px < 0 || py < 0 || px >= w || py >= h) continue;
    const uint8_t* pixel = image.Pixel(image.Index(px, py));
    for (int k = 0; k < image.channels; ++k) out[k] = pixel[k];
    return true;
  }
  return voter.At(x, y, out);
}

}  // namespace

void BlendSeams(const Voter& voter, const std::vector<int32_t>& sources, const std::vector<uint16_t>& depth, MaskedImage& image,
                ComputePool& pool, const ProgressSink& sink) {
  const int w = image.width, h = image.height, c = image.channels;
  std::vector<float> correction = InteriorSeamCorrection(sources, image, pool, sink);
  WeightedGrid offsets(w, h, c);
  std::array<float, kMaxChannels> proposal{};
  bool any = false;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = image.Index(x, y);
      if (image.hole[i]) continue;
      const bool on_seam = (x > 0 && image.hole[i - 1]) || (x + 1 < w && image.hole[i + 1]) ||
                           (y > 0 && image.hole[i - static_cast<size_t>(w)]) || (y + 1 < h && image.hole[i + static_cast<size_t>(w)]);
      if (!on_seam || !SeamProposal(voter, sources, image, x, y, proposal.data())) continue;
      const uint8_t* real = image.Pixel(i);
      for (int k = 0; k < c; ++k) offsets.values[i * c + k] = real[k] - proposal[static_cast<size_t>(k)];
      offsets.weights[i] = 1.0f;
      any = true;
    }
  }
  if (any) {
    const WeightedGrid offsets_at_seam = offsets;
    std::vector<WeightedGrid> pyramid;
    pyramid.push_back(std::move(offsets));
    while (pyramid.back().width > 1 || pyramid.back().height > 1) pyramid.push_back(Pull(pyramid.back()));
    for (size_t level = pyramid.size() - 1; level-- > 0;) Push(pyramid[level + 1], pyramid[level]);
    WeightedGrid& membrane = pyramid.front();
    Relax(image, depth, offsets_at_seam, membrane);
    for (size_t i = 0; i < correction.size(); ++i) correction[i] += membrane.values[i];
  }
  for (size_t i = 0; i < image.hole.size(); ++i) {
    if (!image.hole[i]) continue;
    uint8_t* px = image.Pixel(i);
    for (int k = 0; k < c; ++k) px[k] = static_cast<uint8_t>(std::clamp(px[k] + correction[i * c + k] + 0.5f, 0.0f, 255.0f));
  }
}

}  // namespace outpaint::patchmatch
