#include "fill/tile_infill.h"

#include <cstring>

namespace outpaint {
namespace {

// Index into [0, size) of `offset` reflected about the ends, e.g. size 3: ..., 1, 0, | 0, 1, 2, | 2, 1, ...
int Reflect(int offset, int size) {
  const int period = 2 * size;
  int m = offset % period;
  if (m < 0) m += period;
  return m < size ? m : period - 1 - m;
}

}  // namespace

TileInfill::TileInfill(const Placement& placement)
    : RowBandInfill(placement), source_column_(static_cast<size_t>(placement.canvas_width)) {
  for (int col = 0; col < placement.canvas_width; ++col) {
    source_column_[static_cast<size_t>(col)] = placement.x + Reflect(col - placement.x, placement.width);
  }
}

void TileInfill::FillRows(Image& canvas, int row_begin, int row_end) {
  const Placement& p = placement_;
  const size_t channels = static_cast<size_t>(canvas.channels);
  for (int row = row_begin; row < row_end; ++row) {
    const bool inside = p.ContainsRow(row);
    const uint8_t* source = canvas.Row(p.y + Reflect(row - p.y, p.height));
    uint8_t* out = canvas.Row(row);
    for (int col = 0; col < p.canvas_width; ++col) {
      if (inside && col >= p.x && col < p.Right()) {
        col = p.Right() - 1;  // skip the original's own pixels
        continue;
      }
      std::memcpy(out + col * channels, source + source_column_[static_cast<size_t>(col)] * channels, channels);
    }
  }
}

}  // namespace outpaint
