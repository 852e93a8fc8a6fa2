#include "fill/color_infill.h"

#include <cstring>

namespace outpaint {

ColorInfill::ColorInfill(const Placement& p, const Image& canvas)
    : RowBandInfill(p), colour_(static_cast<size_t>(canvas.channels)) {
  const int channels = canvas.channels;
  std::vector<double> sum(static_cast<size_t>(channels), 0.0);
  long long count = 0;
  auto add = [&](int col, int row) {
    const uint8_t* px = canvas.Row(row) + static_cast<size_t>(col) * channels;
    for (int c = 0; c < channels; ++c) sum[static_cast<size_t>(c)] += px[c];
    ++count;
  };
  for (int col = p.x; col < p.Right(); ++col) {
    if (p.SeamTop()) add(col, p.y);
    if (p.SeamBottom()) add(col, p.Bottom() - 1);
  }
  for (int row = p.y; row < p.Bottom(); ++row) {
    if (p.SeamLeft()) add(p.x, row);
    if (p.SeamRight()) add(p.Right() - 1, row);
  }
  for (int c = 0; c < channels; ++c) {
    const double mean = count > 0 ? sum[static_cast<size_t>(c)] / static_cast<double>(count) : 0.0;
    colour_[static_cast<size_t>(c)] = static_cast<uint8_t>(mean + 0.5);
  }
}

void ColorInfill::FillRows(Image& canvas, int row_begin, int row_end) {
  const Placement& p = placement_;
  const size_t channels = colour_.size();
  for (int row = row_begin; row < row_end; ++row) {
    const bool inside = p.ContainsRow(row);
    uint8_t* out = canvas.Row(row);
    for (int col = 0; col < p.canvas_width; ++col) {
      if (inside && col == p.x) {
        col = p.Right() - 1;
        continue;
      }
      std::memcpy(out + col * channels, colour_.data(), channels);
    }
  }
}

}  // namespace outpaint
