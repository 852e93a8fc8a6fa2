#include "fill/color_infill.h"

#include <cstring>

namespace outpaint {

ColorInfill::ColorInfill(const Rect& k, int canvas_width, int canvas_height, const Image& canvas)
    : RowBandInfill(k, canvas_width, canvas_height), colour_(static_cast<size_t>(canvas.channels)) {
  const int channels = canvas.channels;
  std::vector<double> sum(static_cast<size_t>(channels), 0.0);
  long long count = 0;
  auto add = [&](int col, int row) {
    const uint8_t* px = canvas.Row(row) + static_cast<size_t>(col) * channels;
    for (int c = 0; c < channels; ++c) sum[static_cast<size_t>(c)] += px[c];
    ++count;
  };
  const bool seam_top = k.y > 0, seam_bottom = k.Bottom() < canvas_height;
  const bool seam_left = k.x > 0, seam_right = k.Right() < canvas_width;
  for (int col = k.x; col < k.Right(); ++col) {
    if (seam_top) add(col, k.y);
    if (seam_bottom) add(col, k.Bottom() - 1);
  }
  for (int row = k.y; row < k.Bottom(); ++row) {
    if (seam_left) add(k.x, row);
    if (seam_right) add(k.Right() - 1, row);
  }
  for (int c = 0; c < channels; ++c) {
    const double mean = count > 0 ? sum[static_cast<size_t>(c)] / static_cast<double>(count) : 0.0;
    colour_[static_cast<size_t>(c)] = static_cast<uint8_t>(mean + 0.5);
  }
}

void ColorInfill::FillRows(Image& canvas, int row_begin, int row_end) {
  const Rect& k = known_;
  const size_t channels = colour_.size();
  for (int row = row_begin; row < row_end; ++row) {
    const bool inside = row >= k.y && row < k.Bottom();
    uint8_t* out = canvas.Row(row);
    for (int col = 0; col < canvas_width_; ++col) {
      if (inside && col == k.x) {
        col = k.Right() - 1;
        continue;
      }
      std::memcpy(out + col * channels, colour_.data(), channels);
    }
  }
}

}  // namespace outpaint
