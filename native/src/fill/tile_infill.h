#pragma once

#include <vector>

#include "fill/row_band_infill.h"

namespace outpaint {

// Mirror tiling: the known area is reflected across each seam (and again across the next copy's
// edge when the border is wider than it), so the new area meets the seam without a jump.
class TileInfill final : public RowBandInfill {
 public:
  TileInfill(const Rect& known, int canvas_width, int canvas_height);

 protected:
  void FillRows(Image& canvas, int row_begin, int row_end) override;

 private:
  std::vector<int> source_column_;  // canvas column -> known column
};

}  // namespace outpaint
