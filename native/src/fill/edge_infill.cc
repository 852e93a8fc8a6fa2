#include "fill/edge_infill.h"

#include <algorithm>
#include <cstring>

namespace outpaint {

void EdgeInfill::FillRows(Image& canvas, int row_begin, int row_end) {
  const Placement& p = placement_;
  const size_t channels = static_cast<size_t>(canvas.channels);
  for (int row = row_begin; row < row_end; ++row) {
    const int source_row = std::clamp(row, p.y, p.Bottom() - 1);
    const uint8_t* source = canvas.Row(source_row);
    uint8_t* out = canvas.Row(row);
    if (!p.ContainsRow(row)) {
      std::memcpy(out + p.x * channels, source + p.x * channels, static_cast<size_t>(p.width) * channels);
    }
    const uint8_t* first = source + p.x * channels;
    const uint8_t* last = source + (p.Right() - 1) * channels;
    for (int col = 0; col < p.x; ++col) std::memcpy(out + col * channels, first, channels);
    for (int col = p.Right(); col < p.canvas_width; ++col) std::memcpy(out + col * channels, last, channels);
  }
}

}  // namespace outpaint
