#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "fill/patchmatch/masked_image.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint::patchmatch {

// How distinctive each known pixel's surroundings are within the photo: an eye, a face, a logo, a
// rocket, as opposed to fur, sky, wall or grass, which repeat all over it. A patch is distinctive
// when even its k-th most similar other patch (not overlapping it) is far from it: its distance
// to its k-th nearest neighbour, after Goferman, Zelnik-Manor and Tal ("Context-aware saliency
// detection", IEEE TPAMI 2012), who rate a patch by its dissimilarity to the K most similar
// ones; k = 3 so that a pair (two eyes) or a triple still counts as distinctive. Patches are the
// wholly known ones on a grid of `stride` pixels, compared on their colours blurred once and less
// their mean: the blur keeps the shapes an object is recognised by and takes out the pixel-scale
// variation of fine stochastic texture (gravel, noise), whose patches never repeat exactly and
// would all count as distinctive otherwise; the mean goes because a gradient sky is no more
// distinctive for brightening along the photo. The figure is the mean squared difference per
// sample above the larger of the 80th percentile over all patches and a quarter of the patch's
// own variance (0 for the common ones; strong texture needs a larger distance to count), in
// squared levels, and a pixel takes the largest of the patches covering it.
struct Rarity {
  int width = 0;
  int height = 0;
  int level = 0;              // the pyramid level it was measured on
  std::vector<float> excess;  // per pixel of that level
};

Rarity MeasureRarity(const MaskedImage& image, int level, int radius, int stride, ComputePool& pool, const ProgressSink& sink);

// A cost for copying a distinctive source far into the fill, added to the patch distance
// (a source prior in the sense of Kaspar et al., "Self tuning texture optimization", 2015):
//   weight · n · rarity(s) · ramp(depth(t)),
// n the samples in a patch (so the weight is per sample, like the distance), rarity(s) the
// excess above at the source's place, and ramp rising from 0 at `free_depth` to 1 at `full_depth`
// full-size pixels inside the hole: next to the original an object cut by its border can still be
// continued, further out the fill prefers the photo's common background to another copy of its
// most distinctive parts.
class RarityCost {
 public:
  struct Settings {
    float weight = 1.0f;
    float free_depth = 8.0f;
    float full_depth = 64.0f;
  };

  // `rarity` and `hole_depth` must outlive it.
  RarityCost(const Rarity& rarity, const MaskedImage& image, int level, const std::vector<uint16_t>& hole_depth, int radius,
             const Settings& settings);

  int32_t Cost(size_t target, int source_x, int source_y) const {
    const float excess = rarity_.excess[rarity_row_[static_cast<size_t>(source_y)] + rarity_column_[static_cast<size_t>(source_x)]];
    const float ramp = ramp_[std::min<size_t>(hole_depth_[target], ramp_.size() - 1)];
    return static_cast<int32_t>(std::min(scale_ * excess * ramp, 2.5e8f));
  }

 private:
  const Rarity& rarity_;
  const std::vector<uint16_t>& hole_depth_;
  float scale_;                       // weight · n
  std::vector<size_t> rarity_row_;    // per row of this level: the offset of its row in the rarity's
  std::vector<size_t> rarity_column_;  // per column: its column there
  std::vector<float> ramp_;           // per hole depth in this level's pixels, the last for all deeper
};

}  // namespace outpaint::patchmatch
