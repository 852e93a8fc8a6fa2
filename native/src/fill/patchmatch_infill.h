#pragma once

#include <vector>

#include "fill/infill.h"
#include "fill/patchmatch/masked_image.h"

namespace outpaint {

// Content-aware fill by multi-scale patch-based completion: a pyramid of the canvas is filled
// from coarse to fine; at each level, PatchMatch finds for every patch touching the hole its
// best match in the known area and an EM vote rebuilds the hole from the matches (Wexler et al.
// 2007). Coarse levels carry structure such as horizons across the new area, fine levels bring
// back texture from the original. One progress step per EM iteration.
class PatchMatchInfill final : public Infill {
 public:
  PatchMatchInfill(const FillContext& context, const Image& canvas);
  int StepCount() const override { return step_count_; }
  void Run(Image& canvas, StepReporter& reporter) override;

 private:
  int IterationsAt(int level) const;
  // The pyramid level the source prior is measured on.
  size_t RarityLevel() const;

  const FillContext context_;
  std::vector<patchmatch::MaskedImage> pyramid_;
  int step_count_ = 0;
};

}  // namespace outpaint
