#pragma once

#include <cstdint>
#include <vector>

#include "fill/patchmatch/masked_image.h"
#include "fill/patchmatch/nearest_neighbour_field.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint::patchmatch {

// The expectation-maximisation step of Wexler, Shechtman and Irani ("Space-time completion of
// video", IEEE TPAMI 2007): a pixel's value is the weighted mean of the values that the matched
// source patches of all target patches covering it put there. A patch's weight is
// exp(-d / 2σ²), d its mean squared difference per sample and σ² a percentile of d, so good
// matches dominate and the mean stays sharp; times γ^-depth, depth being how far the patch's
// centre lies inside the hole, so patches anchored in known pixels decide the pixels next to
// them and the fill continues the original across the seam.
struct VoteParams {
  double sigma_percentile = 0.75;
  double gamma = 1.3;
  // Take the single best-weighted proposal instead of the mean: no averaging, full texture.
  bool best_only = false;
};

class Voter {
 public:
  Voter(const NearestNeighbourField& field, const std::vector<uint16_t>& hole_depth, const VoteParams& params,
        const MaskedImage& image, ComputePool& pool);

  // The weighted mean the matches put at (x, y), known pixels included; false when no target
  // patch covers it.
  bool At(int x, int y, float* out) const;

  // Where the value at hole pixel (x, y) comes from in a best-only vote: the source pixel of
  // the best-weighted match covering it. False when none covers it.
  bool BestSource(int x, int y, int* source_x, int* source_y) const;

 private:
  // Calls visit(weight, source_x, source_y) for every match that puts a value at (x, y).
  template <typename Visit>
  void ForEachProposal(int x, int y, Visit visit) const;

  const NearestNeighbourField& field_;
  const std::vector<uint16_t>& hole_depth_;
  const MaskedImage& image_;
  std::vector<float> similarity_;  // per target patch, 0 elsewhere
  std::vector<float> confidence_;  // γ^-k for relative depth k in [-r, r]
  bool best_only_;
};

// Rebuilds every hole pixel from the matches. Known pixels never change. A best-only vote
// returns, for every pixel, the index of the pixel its value was copied from (-1 for known
// pixels and any that no match covers); any other vote returns nothing.
std::vector<int32_t> Vote(const NearestNeighbourField& field, const std::vector<uint16_t>& hole_depth, const VoteParams& params,
                          MaskedImage& image, ComputePool& pool, const ProgressSink& sink);

}  // namespace outpaint::patchmatch
