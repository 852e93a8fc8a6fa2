#pragma once

#include <vector>

#include "fill/row_band_infill.h"

namespace outpaint {

// Flat colour: the new area takes the mean colour of the known pixels along the seams.
class ColorInfill final : public RowBandInfill {
 public:
  ColorInfill(const Rect& known, int canvas_width, int canvas_height, const Image& canvas);

 protected:
  void FillRows(Image& canvas, int row_begin, int row_end) override;

 private:
  std::vector<uint8_t> colour_;
};

}  // namespace outpaint
