#include "fill/patchmatch/nearest_neighbour_field.h"

#include <algorithm>
#include <limits>

#include "fill/patchmatch/source_rarity.h"
#include "runtime/random.h"

namespace outpaint::patchmatch {
namespace {

constexpr int kStripeRows = 16;
constexpr int32_t kFar = std::numeric_limits<int32_t>::max();

// Sum of squared differences between the patches centred at a and b, giving up once it
// reaches `cutoff` (the caller only wants to know whether it beats its best).
inline int32_t PatchDistance(const MaskedImage& image, int ax, int ay, int bx, int by, int radius, int32_t cutoff) {
  const int c = image.channels;
  const int row_bytes = (2 * radius + 1) * c;
  const uint8_t* a = image.Pixel(image.Index(ax - radius, ay - radius));
  const uint8_t* b = image.Pixel(image.Index(bx - radius, by - radius));
  const size_t stride = static_cast<size_t>(image.width) * c;
  int32_t sum = 0;
  for (int row = 0; row <= 2 * radius; ++row) {
    for (int i = 0; i < row_bytes; ++i) {
      const int d = static_cast<int>(a[i]) - static_cast<int>(b[i]);
      sum += d * d;
    }
    if (sum >= cutoff) return sum;
    a += stride;
    b += stride;
  }
  return sum;
}

// Like PatchDistance, but the target's known pixels count `known_weight` times.
inline int32_t WeightedPatchDistance(const MaskedImage& image, int ax, int ay, int bx, int by, int radius, int known_weight,
                                     int32_t cutoff) {
  const int c = image.channels;
  const int side = 2 * radius + 1;
  const size_t stride = static_cast<size_t>(image.width) * c;
  const uint8_t* a = image.Pixel(image.Index(ax - radius, ay - radius));
  const uint8_t* b = image.Pixel(image.Index(bx - radius, by - radius));
  const uint8_t* hole = image.hole.data() + image.Index(ax - radius, ay - radius);
  int32_t sum = 0;
  for (int row = 0; row < side; ++row) {
    for (int col = 0; col < side; ++col) {
      int32_t d2 = 0;
      for (int k = 0; k < c; ++k) {
        const int d = static_cast<int>(a[col * c + k]) - static_cast<int>(b[col * c + k]);
        d2 += d * d;
      }
      sum += hole[col] ? d2 : known_weight * d2;
    }
    if (sum >= cutoff) return sum;
    a += stride;
    b += stride;
    hole += image.width;
  }
  return sum;
}

// Counts of hole pixels over every (2r+1)^2 window, via a summed-area table.
std::vector<int32_t> HoleCounts(const MaskedImage& image, int radius) {
  const int w = image.width, h = image.height;
  std::vector<int32_t> table(static_cast<size_t>(w + 1) * (h + 1), 0);
  for (int y = 0; y < h; ++y) {
    int32_t row = 0;
    for (int x = 0; x < w; ++x) {
      row += image.hole[image.Index(x, y)];
      table[static_cast<size_t>(y + 1) * (w + 1) + x + 1] = table[static_cast<size_t>(y) * (w + 1) + x + 1] + row;
    }
  }
  std::vector<int32_t> counts(static_cast<size_t>(w) * h, -1);  // -1: no whole patch fits here
  for (int y = radius; y < h - radius; ++y) {
    for (int x = radius; x < w - radius; ++x) {
      const auto at = [&](int tx, int ty) { return table[static_cast<size_t>(ty) * (w + 1) + tx]; };
      counts[image.Index(x, y)] =
          at(x + radius + 1, y + radius + 1) - at(x - radius, y + radius + 1) - at(x + radius + 1, y - radius) + at(x - radius, y - radius);
    }
  }
  return counts;
}

}  // namespace

NearestNeighbourField::NearestNeighbourField(const MaskedImage& image, const SearchParams& params)
    : width_(image.width), height_(image.height), channels_(image.channels), params_(params) {
  const size_t size = static_cast<size_t>(width_) * height_;
  target_.assign(size, 0);
  mixed_.assign(size, 0);
  valid_source_.assign(size, 0);
  source_.assign(size, -1);
  distance_.assign(size, kFar);
  const std::vector<int32_t> holes = HoleCounts(image, params_.radius);
  const int area = (2 * params_.radius + 1) * (2 * params_.radius + 1);
  for (size_t index = 0; index < size; ++index) {
    if (holes[index] > 0) target_[index] = 1;
    if (holes[index] > 0 && holes[index] < area) mixed_[index] = 1;
    if (holes[index] == 0) {
      valid_source_[index] = 1;
      source_list_.push_back(static_cast<int32_t>(index));
    }
  }
  source_count_ = source_list_.size();
}

int32_t NearestNeighbourField::Distance(const MaskedImage& image, int tx, int ty, int sx, int sy, int32_t cutoff) const {
  const int r = params_.radius;
  const size_t target = static_cast<size_t>(ty) * width_ + tx;
  int32_t prior = 0;
  if (params_.rarity != nullptr) {
    prior = params_.rarity->Cost(target, sx, sy);
    if (prior >= cutoff) return cutoff;
  }
  const int beyond_x = 2 * sx - tx, beyond_y = 2 * sy - ty;  // the source moved on by its own offset
  if (params_.shift_weight > 0.0f && IsSource(beyond_x, beyond_y)) {
    prior += static_cast<int32_t>(params_.shift_weight * static_cast<float>(PatchDistance(image, sx, sy, beyond_x, beyond_y, r, kFar)));
    if (prior >= cutoff) return cutoff;
  }
  const int32_t rest = cutoff == kFar ? kFar : cutoff - prior;
  if (params_.known_weight != 1 && mixed_[target]) return prior + WeightedPatchDistance(image, tx, ty, sx, sy, r, params_.known_weight, rest);
  return prior + PatchDistance(image, tx, ty, sx, sy, r, rest);
}

bool NearestNeighbourField::IsSource(int x, int y) const {
  const int r = params_.radius;
  if (x < r || y < r || x >= width_ - r || y >= height_ - r) return false;
  return valid_source_[static_cast<size_t>(y) * width_ + x] != 0;
}

int32_t NearestNeighbourField::NearestSource(int x, int y, uint64_t salt) const {
  const int r = params_.radius;
  x = std::clamp(x, r, width_ - r - 1);
  y = std::clamp(y, r, height_ - r - 1);
  if (IsSource(x, y)) return y * width_ + x;
  CounterRandom random(params_.seed, 0xC0A85Eull + params_.level, salt, static_cast<uint64_t>(y) * width_ + x);
  return source_list_[static_cast<size_t>(random.Range(0, static_cast<int>(source_count_) - 1))];
}

void NearestNeighbourField::InitRandom() {
  for (size_t index = 0; index < target_.size(); ++index) {
    if (!target_[index]) continue;
    CounterRandom random(params_.seed, 0x1417ull + params_.level, 0, index);
    source_[index] = source_list_[static_cast<size_t>(random.Range(0, static_cast<int>(source_count_) - 1))];
  }
}

void NearestNeighbourField::InitFromCoarser(const NearestNeighbourField& coarser) {
  const int cr = coarser.params_.radius;
  for (int y = 0; y < height_; ++y) {
    for (int x = 0; x < width_; ++x) {
      const size_t index = static_cast<size_t>(y) * width_ + x;
      if (!target_[index]) continue;
      const int cx = std::clamp(x / 2, cr, coarser.width_ - cr - 1);
      const int cy = std::clamp(y / 2, cr, coarser.height_ - cr - 1);
      const size_t coarse_index = static_cast<size_t>(cy) * coarser.width_ + cx;
      int32_t coarse_source = coarser.source_[coarse_index];
      if (coarse_source < 0) coarse_source = static_cast<int32_t>(coarse_index);  // known there: maps to itself
      const int sx = 2 * (coarse_source % coarser.width_) + (x - 2 * cx);
      const int sy = 2 * (coarse_source / coarser.width_) + (y - 2 * cy);
      source_[index] = NearestSource(sx, sy, 1);
    }
  }
}

void NearestNeighbourField::RefreshDistances(const MaskedImage& image, ComputePool& pool, const ProgressSink& sink) {
  const int r = params_.radius;
  pool.ParallelFor(height_, kStripeRows, [&](int begin, int end) {
    if (sink.IsCancelled()) throw CancelledError();
    for (int y = std::max(begin, r); y < std::min(end, height_ - r); ++y) {
      for (int x = r; x < width_ - r; ++x) {
        const size_t index = static_cast<size_t>(y) * width_ + x;
        if (!target_[index]) continue;
        const int32_t s = source_[index];
        distance_[index] = Distance(image, x, y, s % width_, s / width_, kFar);
      }
    }
  });
}

void NearestNeighbourField::Search(const MaskedImage& image, int pass, ComputePool& pool, const ProgressSink& sink) {
  const std::vector<int32_t> previous = source_;
  const int stripes = (height_ + kStripeRows - 1) / kStripeRows;
  pool.ParallelFor(stripes, 1, [&](int begin, int end) {
    for (int stripe = begin; stripe < end; ++stripe) {
      if (sink.IsCancelled()) throw CancelledError();
      SearchStripe(image, stripe, pass, previous);
    }
  });
}

void NearestNeighbourField::SearchStripe(const MaskedImage& image, int stripe, int pass, const std::vector<int32_t>& previous) {
  const int r = params_.radius;
  const int w = width_;
  const int stripe_begin = std::max(stripe * kStripeRows, r);
  const int stripe_end = std::min((stripe + 1) * kStripeRows, height_ - r);
  if (stripe_begin >= stripe_end) return;
  const bool forward = pass % 2 == 0;
  const int step = forward ? 1 : -1;
  const int max_window = params_.widest_window > 0 ? params_.widest_window : std::max(width_, height_);

  auto try_candidate = [&](int tx, int ty, int sx, int sy, int32_t& best, int32_t& best_distance) {
    if (!IsSource(sx, sy)) return;
    const int32_t candidate = sy * w + sx;
    if (candidate == best) return;
    const int32_t d = Distance(image, tx, ty, sx, sy, best_distance);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  };

  for (int row = 0; row < stripe_end - stripe_begin; ++row) {
    const int y = forward ? stripe_begin + row : stripe_end - 1 - row;
    for (int col = 0; col < w - 2 * r; ++col) {
      const int x = forward ? r + col : w - r - 1 - col;
      const size_t index = static_cast<size_t>(y) * w + x;
      if (!target_[index]) continue;
      int32_t best = source_[index];
      int32_t best_distance = distance_[index];

      // Propagation: the neighbour already visited in scan order suggests its source, shifted.
      const int nx = x - step;
      if (nx >= r && nx < w - r) {
        const int32_t s = source_[static_cast<size_t>(y) * w + nx];
        if (s >= 0) try_candidate(x, y, s % w + step, s / w, best, best_distance);
      }
      const int ny = y - step;
      if (ny >= r && ny < height_ - r) {
        const bool inside = ny >= stripe_begin && ny < stripe_end;
        const int32_t s = (inside ? source_ : previous)[static_cast<size_t>(ny) * w + x];
        if (s >= 0) try_candidate(x, y, s % w, s / w + step, best, best_distance);
      }

      // Random search in windows halving from the whole image down to one pixel.
      CounterRandom random(params_.seed, 0x5EA4C4ull + params_.level, static_cast<uint64_t>(pass), index);
      for (int window = max_window; window >= 1; window /= 2) {
        const int bx = best % w, by = best / w;
        try_candidate(x, y, bx + random.Range(-window, window), by + random.Range(-window, window), best, best_distance);
      }
      source_[index] = best;
      distance_[index] = best_distance;
    }
  }
}

}  // namespace outpaint::patchmatch
