#include "core/canvas.h"

#include <cstring>

namespace outpaint {

Image PlaceOnCanvas(const ImageView& original, const Placement& placement) {
  Image canvas(placement.canvas_width, placement.canvas_height, original.channels);
  const size_t row_bytes = original.RowBytes();
  const size_t x_offset = static_cast<size_t>(placement.x) * original.channels;
  for (int row = 0; row < original.height; ++row) {
    std::memcpy(canvas.Row(placement.y + row) + x_offset, original.Row(row), row_bytes);
  }
  return canvas;
}

}  // namespace outpaint
