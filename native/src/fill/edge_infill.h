#pragma once

#include "fill/row_band_infill.h"

namespace outpaint {

// Edge extension: every new pixel repeats the nearest known pixel, so rows and columns
// continue outward and the corners take the corner pixel's colour.
class EdgeInfill final : public RowBandInfill {
 public:
  using RowBandInfill::RowBandInfill;

 protected:
  void FillRows(Image& canvas, int row_begin, int row_end) override;
};

}  // namespace outpaint
