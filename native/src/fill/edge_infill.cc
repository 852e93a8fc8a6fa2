#include "fill/edge_infill.h"

#include <algorithm>
#include <cstring>

namespace outpaint {

void EdgeInfill::FillRows(Image& canvas, int row_begin, int row_end) {
  const Rect& k = known_;
  const size_t channels = static_cast<size_t>(canvas.channels);
  for (int row = row_begin; row < row_end; ++row) {
    const int source_row = std::clamp(row, k.y, k.Bottom() - 1);
    const uint8_t* source = canvas.Row(source_row);
    uint8_t* out = canvas.Row(row);
    if (row != source_row) {
      std::memcpy(out + k.x * channels, source + k.x * channels, static_cast<size_t>(k.width) * channels);
    }
    const uint8_t* first = source + k.x * channels;
    const uint8_t* last = source + (k.Right() - 1) * channels;
    for (int col = 0; col < k.x; ++col) std::memcpy(out + col * channels, first, channels);
    for (int col = k.Right(); col < canvas_width_; ++col) std::memcpy(out + col * channels, last, channels);
  }
}

}  // namespace outpaint
