#pragma once

#include <vector>

#include "fill/row_band_infill.h"

namespace outpaint {

// Mirror tiling: the original is reflected across each seam (and again across the next copy's
// edge when the border is wider than the image), so the new area meets the seam without a jump.
class TileInfill final : public RowBandInfill {
 public:
  explicit TileInfill(const Placement& placement);

 protected:
  void FillRows(Image& canvas, int row_begin, int row_end) override;

 private:
  std::vector<int> source_column_;  // canvas column -> original column on the canvas
};

}  // namespace outpaint
