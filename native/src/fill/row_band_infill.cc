#include "fill/row_band_infill.h"

#include <algorithm>

namespace outpaint {
namespace {
constexpr int kMaxBands = 16;
}

RowBandInfill::RowBandInfill(const Rect& known, int canvas_width, int canvas_height)
    : known_(known),
      canvas_width_(canvas_width),
      canvas_height_(canvas_height),
      band_count_(std::max(1, std::min(kMaxBands, canvas_height))) {}

void RowBandInfill::Run(Image& canvas, StepReporter& reporter) {
  for (int band = 0; band < band_count_; ++band) {
    const int row_begin = static_cast<int>(static_cast<long long>(canvas_height_) * band / band_count_);
    const int row_end = static_cast<int>(static_cast<long long>(canvas_height_) * (band + 1) / band_count_);
    FillRows(canvas, row_begin, row_end);
    reporter.Advance();
  }
}

}  // namespace outpaint
