#include "fill/patchmatch/source_rarity.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace outpaint::patchmatch {
namespace {

constexpr int kNeighbour = 3;  // rarity = distance to the k-th most similar other patch
constexpr int kCandidates = 8;
// Above this quantile of the patches' k-th neighbour distances a patch counts as distinctive. The
// detector of copies in the fill bench keeps the few most distinctive windows of each photo; a
// prior on all patches above the median also took texture that repeats only loosely (gravel,
// petals), and the fill far from the original went flat (zoom-out texture energy 0.996 -> 0.80).
constexpr double kCommonQuantile = 0.8;
constexpr float kContrastShare = 0.25f;
constexpr int kBlurPasses = 1;
constexpr int kRowsPerChunk = 4;

// The colours, blurred `passes` times with [1 2 1] along rows and columns over known pixels only
// (hole pixels neither take nor give).
std::vector<uint8_t> BlurredColours(const MaskedImage& image, int cc, int passes) {
  const int w = image.width, h = image.height;
  std::vector<float> a(static_cast<size_t>(w) * h * cc), b(a.size());
  for (size_t i = 0; i < image.hole.size(); ++i) {
    for (int k = 0; k < cc; ++k) a[i * cc + k] = image.Pixel(i)[k];
  }
  for (int pass = 0; pass < passes; ++pass) {
    for (int horizontal = 1; horizontal >= 0; --horizontal) {
      for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
          const size_t i = image.Index(x, y);
          if (image.hole[i]) continue;
          float weight = 2.0f;
          float sum[4] = {0, 0, 0, 0};
          for (int k = 0; k < cc; ++k) sum[k] = 2.0f * a[i * cc + k];
          for (int d : {-1, 1}) {
            const int nx = horizontal ? x + d : x, ny = horizontal ? y : y + d;
            if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
            const size_t j = image.Index(nx, ny);
            if (image.hole[j]) continue;
            weight += 1.0f;
            for (int k = 0; k < cc; ++k) sum[k] += a[j * cc + k];
          }
          for (int k = 0; k < cc; ++k) b[i * cc + k] = sum[k] / weight;
        }
      }
      std::swap(a, b);
    }
  }
  std::vector<uint8_t> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = static_cast<uint8_t>(std::clamp(a[i] + 0.5f, 0.0f, 255.0f));
  return out;
}

}  // namespace

Rarity MeasureRarity(const MaskedImage& image, int level, int radius, int stride, ComputePool& pool, const ProgressSink& sink) {
  const int w = image.width, h = image.height, r = radius, side = 2 * r + 1;
  const int cc = std::min(image.colour_channels, 3);
  const std::vector<uint8_t> blurred = BlurredColours(image, cc, kBlurPasses);
  Rarity rarity{w, h, level, std::vector<float>(static_cast<size_t>(w) * h, 0.0f)};

  // The wholly known patches on the grid, their colours packed one after another.
  std::vector<std::array<int, 2>> centres;
  std::vector<uint8_t> patches;
  for (int y = r; y < h - r; y += stride) {
    for (int x = r; x < w - r; x += stride) {
      bool known = true;
      for (int dy = -r; dy <= r && known; ++dy) {
        for (int dx = -r; dx <= r && known; ++dx) known = image.hole[image.Index(x + dx, y + dy)] == 0;
      }
      if (!known) continue;
      centres.push_back({x, y});
      for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
          const uint8_t* px = blurred.data() + image.Index(x + dx, y + dy) * cc;
          patches.insert(patches.end(), px, px + cc);
        }
      }
    }
  }
  const int n = static_cast<int>(centres.size());
  if (n <= kNeighbour) return rarity;
  const size_t length = static_cast<size_t>(side) * side * cc;
  // Stored with zeros up to a multiple of 16 samples, so that the distance loop below runs in
  // whole vector registers (with int16 differences: 40 -> 20 ms on the 1024 px four-side case).
  const size_t stored = (length + 15) / 16 * 16;
  const size_t half = stored / 32 * 16;
  // Compared on structure, not brightness: each patch less its mean colour (the fill's gradient
  // fusion sets brightness anyway, and a horizon or a gradient sky that only brightens along the
  // photo is no more distinctive for it). Its variance is what is left: its own contrast.
  std::vector<int16_t> centred(static_cast<size_t>(n) * stored, 0);
  std::vector<float> variance(static_cast<size_t>(n), 0.0f);
  for (int i = 0; i < n; ++i) {
    const uint8_t* a = patches.data() + static_cast<size_t>(i) * length;
    int16_t* out = centred.data() + static_cast<size_t>(i) * stored;
    int64_t squares = 0;
    for (int k = 0; k < cc; ++k) {
      int sum = 0;
      for (size_t at = static_cast<size_t>(k); at < length; at += static_cast<size_t>(cc)) sum += a[at];
      const int mean = (sum + static_cast<int>(length / cc) / 2) / static_cast<int>(length / cc);
      for (size_t at = static_cast<size_t>(k); at < length; at += static_cast<size_t>(cc)) {
        out[at] = static_cast<int16_t>(a[at] - mean);
        squares += out[at] * out[at];
      }
    }
    variance[static_cast<size_t>(i)] = static_cast<float>(squares) / static_cast<float>(length);
  }

  // Each patch's k-th nearest neighbour among the patches that overlap neither it nor the nearer
  // ones already counted (so two shifted copies of the other eye count once), from its kCandidates
  // nearest non-overlapping ones.
  const auto apart = [&](int i, int j) {
    return std::abs(centres[static_cast<size_t>(j)][0] - centres[static_cast<size_t>(i)][0]) >= side ||
           std::abs(centres[static_cast<size_t>(j)][1] - centres[static_cast<size_t>(i)][1]) >= side;
  };
  // Patches in order of their norm: |a| - |b| bounds |a - b| from below, so the scan outward from
  // a patch's own norm stops once that bound passes its k-th best so far (the neighbours a scan of
  // all would find, up to rounding in the bound; 20 -> 16 ms on the 1024 px four-side case).
  std::vector<float> norm(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) norm[static_cast<size_t>(i)] = std::sqrt(variance[static_cast<size_t>(i)] * static_cast<float>(length));
  std::vector<int> order(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return norm[static_cast<size_t>(a)] < norm[static_cast<size_t>(b)]; });
  std::vector<int> rank(static_cast<size_t>(n));
  for (int p = 0; p < n; ++p) rank[static_cast<size_t>(order[static_cast<size_t>(p)])] = p;
  std::vector<float> kth(static_cast<size_t>(n), 0.0f);
  pool.ParallelFor(n, kRowsPerChunk, [&](int begin, int end) {
    if (sink.IsCancelled()) throw CancelledError();
    for (int i = begin; i < end; ++i) {
      std::array<int32_t, kCandidates> best;
      std::array<int, kCandidates> who;
      best.fill(std::numeric_limits<int32_t>::max());
      who.fill(-1);
      const int16_t* a = centred.data() + static_cast<size_t>(i) * stored;
      const float own = norm[static_cast<size_t>(i)];
      int below = rank[static_cast<size_t>(i)] - 1, above = rank[static_cast<size_t>(i)] + 1;
      while (below >= 0 || above < n) {
        const float gap_below = below >= 0 ? own - norm[static_cast<size_t>(order[static_cast<size_t>(below)])] : INFINITY;
        const float gap_above = above < n ? norm[static_cast<size_t>(order[static_cast<size_t>(above)])] - own : INFINITY;
        const float gap = std::min(gap_below, gap_above);
        const int j = gap_below <= gap_above ? order[static_cast<size_t>(below--)] : order[static_cast<size_t>(above++)];
        const int32_t cutoff = best[kCandidates - 1];
        if (gap * gap >= static_cast<float>(cutoff)) break;
        if (!apart(i, j)) continue;
        const int16_t* b = centred.data() + static_cast<size_t>(j) * stored;
        // In two halves, giving up after the first once past the k-th best so far. The differences
        // are int16 so that the products vectorise (pmaddwd).
        int32_t sum = 0;
        for (size_t k = 0; k < half; ++k) {
          const int16_t d = static_cast<int16_t>(a[k] - b[k]);
          sum += d * d;
        }
        if (sum >= cutoff) continue;
        for (size_t k = half; k < stored; ++k) {
          const int16_t d = static_cast<int16_t>(a[k] - b[k]);
          sum += d * d;
        }
        if (sum >= cutoff) continue;
        int at = kCandidates - 1;
        for (; at > 0 && best[static_cast<size_t>(at - 1)] > sum; --at) {
          best[static_cast<size_t>(at)] = best[static_cast<size_t>(at - 1)];
          who[static_cast<size_t>(at)] = who[static_cast<size_t>(at - 1)];
        }
        best[static_cast<size_t>(at)] = sum;
        who[static_cast<size_t>(at)] = j;
      }
      std::array<int, kNeighbour> picked{};
      int count = 0;
      int32_t found = 0;
      for (int c = 0; c < kCandidates && who[static_cast<size_t>(c)] >= 0 && count < kNeighbour; ++c) {
        bool ok = true;
        for (int p = 0; p < count && ok; ++p) ok = apart(picked[static_cast<size_t>(p)], who[static_cast<size_t>(c)]);
        found = best[static_cast<size_t>(c)];  // when fewer than k are apart, the farthest candidate bounds it
        if (ok) picked[static_cast<size_t>(count++)] = who[static_cast<size_t>(c)];
      }
      kth[static_cast<size_t>(i)] = static_cast<float>(found) / static_cast<float>(length);
    }
  });

  std::vector<float> sorted = kth;
  const auto at = sorted.begin() + static_cast<std::ptrdiff_t>(kCommonQuantile * (n - 1));
  std::nth_element(sorted.begin(), at, sorted.end());
  const float common = *at;
  for (int i = 0; i < n; ++i) {
    const float excess = kth[static_cast<size_t>(i)] - std::max(common, kContrastShare * variance[static_cast<size_t>(i)]);
    if (excess <= 0.0f) continue;
    const auto [x, y] = centres[static_cast<size_t>(i)];
    for (int dy = -r; dy <= r; ++dy) {
      for (int dx = -r; dx <= r; ++dx) {
        float& value = rarity.excess[image.Index(x + dx, y + dy)];
        value = std::max(value, excess);
      }
    }
  }
  return rarity;
}

RarityCost::RarityCost(const Rarity& rarity, const MaskedImage& image, int level, const std::vector<uint16_t>& hole_depth, int radius,
                       const Settings& settings)
    : rarity_(rarity),
      hole_depth_(hole_depth),
      scale_(settings.weight * static_cast<float>((2 * radius + 1) * (2 * radius + 1) * image.channels)) {
  const float scale = std::ldexp(1.0f, level - rarity.level);  // this level's pixels in the rarity's
  const float pixel = std::ldexp(1.0f, level);                 // full-size pixels per pixel of this level
  rarity_row_.resize(static_cast<size_t>(image.height));
  for (int y = 0; y < image.height; ++y) {
    const int ry = std::clamp(static_cast<int>((y + 0.5f) * scale), 0, rarity.height - 1);
    rarity_row_[static_cast<size_t>(y)] = static_cast<size_t>(ry) * static_cast<size_t>(rarity.width);
  }
  rarity_column_.resize(static_cast<size_t>(image.width));
  for (int x = 0; x < image.width; ++x) {
    rarity_column_[static_cast<size_t>(x)] = static_cast<size_t>(std::clamp(static_cast<int>((x + 0.5f) * scale), 0, rarity.width - 1));
  }
  const int deepest = static_cast<int>(std::ceil(settings.full_depth / pixel)) + 1;
  for (int depth = 0; depth <= deepest; ++depth) {
    ramp_.push_back(std::clamp((depth * pixel - settings.free_depth) / (settings.full_depth - settings.free_depth), 0.0f, 1.0f));
  }
}

}  // namespace outpaint::patchmatch
