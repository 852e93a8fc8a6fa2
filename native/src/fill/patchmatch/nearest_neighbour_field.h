#pragma once

#include <cstdint>
#include <vector>

#include "fill/patchmatch/masked_image.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint::patchmatch {

class RarityCost;

struct SearchParams {
  int radius = 3;  // patches are (2 * radius + 1)^2
  uint64_t seed = 0;
  int level = 0;
  // Weight of a target patch's known pixels against its hole pixels in the patch distance: a
  // patch on the seam is matched above all by the original it overlaps, so what its source
  // continues with is what the original would (Criminisi, Pérez and Toyama, 2004, match on
  // known pixels alone; a finite weight keeps the current estimate in play).
  int known_weight = 1;
  // Added to the patch distance: the cost of copying a distinctive source far into the fill
  // (source_rarity.h). None when null; it must outlive the field's searches and refreshes.
  const RarityCost* rarity = nullptr;
  // Also added to the patch distance, times this weight: the distance between the source patch
  // and the patch as far beyond it again (source + (source - target)). A copy that continues
  // what it copies (a pole upward, a horizon sideways, sky, texture) finds the like beyond its
  // source and costs little; one that moves an object outward by its own size, which is how a
  // second head comes to sit above the head, finds the object's next part there and pays for the
  // difference. Nothing is added where the patch beyond is not wholly known. 0: none.
  float shift_weight = 0.0f;
  // The random search's first window, in pixels either way; 0 for the whole image.
  int widest_window = 0;
};

// For every target patch (a patch that overlaps a hole), the best matching source patch (one
// lying wholly in known pixels) and their distance, found with PatchMatch (Barnes, Shechtman,
// Finkelstein and Goldman, "PatchMatch: a randomized correspondence algorithm for structural
// image editing", SIGGRAPH 2009): propagation of good offsets from neighbours and random search
// in shrinking windows. Patches are addressed by their centre pixel.
//
// Rows are cut into fixed stripes searched in parallel; inside a stripe propagation uses the
// values just written, across stripes those of the previous pass, and randomness is counter
// based, so the field depends on the seed alone, never on thread count or timing.
class NearestNeighbourField {
 public:
  NearestNeighbourField(const MaskedImage& image, const SearchParams& params);

  size_t source_count() const { return source_count_; }
  bool IsTarget(size_t index) const { return target_[index] != 0; }
  int32_t Source(size_t index) const { return source_[index]; }
  int32_t Distance(size_t index) const { return distance_[index]; }
  int radius() const { return params_.radius; }

  // Every target gets a random source (the coarsest level's start).
  void InitRandom();
  // Targets start from the coarser field's sources, scaled up (the step between levels).
  void InitFromCoarser(const NearestNeighbourField& coarser);
  // Recomputes every target's distance against the image as it is now.
  void RefreshDistances(const MaskedImage& image, ComputePool& pool, const ProgressSink& sink);
  // One PatchMatch pass; even passes scan forward, odd ones backward.
  void Search(const MaskedImage& image, int pass, ComputePool& pool, const ProgressSink& sink);

 private:
  bool IsSource(int x, int y) const;
  int32_t Distance(const MaskedImage& image, int tx, int ty, int sx, int sy, int32_t cutoff) const;
  int32_t NearestSource(int x, int y, uint64_t salt) const;
  void SearchStripe(const MaskedImage& image, int stripe, int pass, const std::vector<int32_t>& previous);

  const int width_;
  const int height_;
  const int channels_;
  SearchParams params_;
  std::vector<uint8_t> target_;
  std::vector<uint8_t> mixed_;  // target patches holding both known and hole pixels
  std::vector<uint8_t> valid_source_;
  std::vector<int32_t> source_;    // index of the source patch's centre
  std::vector<int32_t> distance_;  // sum of squared differences over the patch
  size_t source_count_ = 0;
  std::vector<int32_t> source_list_;  // valid source centres, for random picks
};

}  // namespace outpaint::patchmatch
