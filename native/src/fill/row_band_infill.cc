#include "fill/row_band_infill.h"

#include <algorithm>

namespace outpaint {
namespace {
constexpr int kMaxBands = 16;
}

RowBandInfill::RowBandInfill(const Placement& placement)
    : placement_(placement), band_count_(std::max(1, std::min(kMaxBands, placement.canvas_height))) {}

void RowBandInfill::Run(Image& canvas, StepReporter& reporter) {
  const int rows = placement_.canvas_height;
  for (int band = 0; band < band_count_; ++band) {
    const int row_begin = static_cast<int>(static_cast<long long>(rows) * band / band_count_);
    const int row_end = static_cast<int>(static_cast<long long>(rows) * (band + 1) / band_count_);
    FillRows(canvas, row_begin, row_end);
    reporter.Advance();
  }
}

}  // namespace outpaint
