#include "fill/patchmatch/voting.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace outpaint::patchmatch {
namespace {

constexpr int kRowsPerChunk = 8;

// Per-target similarity weights exp(-d / 2σ²), in the field's pixel layout (0 for non-targets).
std::vector<float> SimilarityWeights(const NearestNeighbourField& field, const VoteParams& params, const MaskedImage& image,
                                     ComputePool& pool) {
  const int side = 2 * field.radius() + 1;
  const double samples = static_cast<double>(side) * side * image.channels;
  std::vector<float> weights(image.hole.size(), 0.0f);
  // The percentile is taken on the integer distances (the same order, half the bytes to move).
  std::vector<int32_t> distances;
  distances.reserve(weights.size());
  for (size_t index = 0; index < weights.size(); ++index) {
    if (field.IsTarget(index)) distances.push_back(field.Distance(index));
  }
  if (distances.empty()) return weights;
  const size_t nth = static_cast<size_t>(params.sigma_percentile * static_cast<double>(distances.size() - 1));
  std::nth_element(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(nth), distances.end());
  const double sigma2 = std::max(distances[nth] / samples, 1e-3);
  pool.ParallelFor(image.height, kRowsPerChunk, [&](int begin, int end) {
    for (size_t index = image.Index(0, begin); index < image.Index(0, end); ++index) {
      if (!field.IsTarget(index)) continue;
      // Floored so that a pixel covered only by poor matches still gets a value.
      weights[index] = static_cast<float>(std::max(std::exp(-(field.Distance(index) / samples) / (2.0 * sigma2)), 1e-6));
    }
  });
  return weights;
}

}  // namespace

Voter::Voter(const NearestNeighbourField& field, const std::vector<uint16_t>& hole_depth, const VoteParams& params,
             const MaskedImage& image, ComputePool& pool)
    : field_(field),
      hole_depth_(hole_depth),
      image_(image),
      similarity_(SimilarityWeights(field, params, image, pool)),
      best_only_(params.best_only) {
  // Only the depth of the patch centre relative to the pixel matters to a weighted mean, and it
  // lies within ±r because depth changes by at most 1 from one pixel to the next.
  const int r = field.radius();
  confidence_.resize(static_cast<size_t>(2 * r + 1));
  for (int k = -r; k <= r; ++k) confidence_[static_cast<size_t>(k + r)] = static_cast<float>(std::pow(params.gamma, -k));
}

template <typename Visit>
void Voter::ForEachProposal(int x, int y, Visit visit) const {
  const int w = image_.width, h = image_.height, r = field_.radius();
  const int depth = hole_depth_[image_.Index(x, y)];
  for (int dy = -r; dy <= r; ++dy) {
    const int ty = y - dy;
    if (ty < r || ty >= h - r) continue;
    for (int dx = -r; dx <= r; ++dx) {
      const int tx = x - dx;
      if (tx < r || tx >= w - r) continue;
      const size_t target = image_.Index(tx, ty);
      if (similarity_[target] == 0.0f) continue;
      const int relative = std::clamp(static_cast<int>(hole_depth_[target]) - depth, -r, r);
      const int32_t source = field_.Source(target);
      visit(similarity_[target] * confidence_[static_cast<size_t>(relative + r)], source % w + dx, source / w + dy);
    }
  }
}

bool Voter::At(int x, int y, float* out) const {
  const int c = image_.channels;
  std::array<float, kMaxChannels> sum{};
  float weight_sum = 0.0f;
  float best_weight = -1.0f;
  ForEachProposal(x, y, [&](float weight, int sx, int sy) {
    const uint8_t* px = image_.Pixel(image_.Index(sx, sy));
    if (best_only_) {
      if (weight <= best_weight) return;
      best_weight = weight;
      for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] = px[k];
      weight_sum = 1.0f;
      return;
    }
    for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] += weight * px[k];
    weight_sum += weight;
  });
  if (weight_sum <= 0.0f) return false;
  for (int k = 0; k < c; ++k) out[k] = sum[static_cast<size_t>(k)] / weight_sum;
  return true;
}

bool Voter::BestSource(int x, int y, int* source_x, int* source_y) const {
  float best_weight = -1.0f;
  ForEachProposal(x, y, [&](float weight, int sx, int sy) {
    if (weight <= best_weight) return;
    best_weight = weight;
    *source_x = sx;
    *source_y = sy;
  });
  return best_weight >= 0.0f;
}

std::vector<int32_t> Vote(const NearestNeighbourField& field, const std::vector<uint16_t>& hole_depth, const VoteParams& params,
                          MaskedImage& image, ComputePool& pool, const ProgressSink& sink) {
  const Voter voter(field, hole_depth, params, image, pool);
  const int c = image.channels;
  if (params.best_only) {
    // Sources are known pixels, which the vote never changes, so the copy can go in place.
    std::vector<int32_t> sources(image.hole.size(), -1);
    pool.ParallelFor(image.height, kRowsPerChunk, [&](int begin, int end) {
      if (sink.IsCancelled()) throw CancelledError();
      for (int y = begin; y < end; ++y) {
        for (int x = 0; x < image.width; ++x) {
          const size_t index = image.Index(x, y);
          int sx = 0, sy = 0;
          if (!image.hole[index] || !voter.BestSource(x, y, &sx, &sy)) continue;
          sources[index] = static_cast<int32_t>(image.Index(sx, sy));
          std::copy_n(image.Pixel(static_cast<size_t>(sources[index])), c, image.Pixel(index));
        }
      }
    });
    return sources;
  }
  std::vector<uint8_t> voted = image.pixels;
  pool.ParallelFor(image.height, kRowsPerChunk, [&](int begin, int end) {
    if (sink.IsCancelled()) throw CancelledError();
    std::array<float, kMaxChannels> value{};
    for (int y = begin; y < end; ++y) {
      for (int x = 0; x < image.width; ++x) {
        const size_t index = image.Index(x, y);
        if (!image.hole[index] || !voter.At(x, y, value.data())) continue;
        uint8_t* out = voted.data() + index * c;
        for (int k = 0; k < c; ++k) out[k] = static_cast<uint8_t>(std::clamp(value[static_cast<size_t>(k)] + 0.5f, 0.0f, 255.0f));
      }
    }
  });
  image.pixels.swap(voted);
  return {};
}

}  // namespace outpaint::patchmatch
