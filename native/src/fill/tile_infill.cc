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

TileInfill::TileInfill(const Rect& known, int canvas_width, int canvas_height)
    : RowBandInfill(known, canvas_width, canvas_height), source_column_(static_cast<size_t>(canvas_width)) {
  for (int col = 0; col < canvas_width; ++col) {
    source_column_[static_cast<size_t>(col)] = known.x + Reflect(col - known.x, known.width);
  }
}

void TileInfill::FillRows(Image& canvas, int row_begin, int row_end) {
  const Rect& k = known_;
  const size_t channels = static_cast<size_t>(canvas.channels);
  for (int row = row_begin; row < row_end; ++row) {
    const bool inside = row >= k.y && row < k.Bottom();
    const uint8_t* source = canvas.Row(k.y + Reflect(row - k.y, k.height));
    uint8_t* out = canvas.Row(row);
    for (int col = 0; col < canvas_width_; ++col) {
      if (inside && col == k.x) {
        col = k.Right() - 1;  // skip the known pixels themselves
        continue;
      }
      std::memcpy(out + col * channels, source + source_column_[static_cast<size_t>(col)] * channels, channels);
    }
  }
}

}  // namespace outpaint
