#include "core/composite.h"

#include <algorithm>
#include <cstring>

namespace outpaint {

void PasteBackRows(const ImageView& original, const Placement& p, const Mask& mask, Image& generated, int row_begin,
                   int row_end) {
  const int channels = original.channels;
  const int first = std::max(row_begin, p.y);
  const int last = std::min(row_end, p.Bottom());
  for (int row = first; row < last; ++row) {
    const uint8_t* src = original.Row(row - p.y);
    const uint8_t* weights = mask.Row(row) + p.x;
    uint8_t* dst = generated.Row(row) + static_cast<size_t>(p.x) * channels;
    for (int col = 0; col < p.width; ++col) {
      const unsigned w = weights[col];
      uint8_t* out = dst + static_cast<size_t>(col) * channels;
      const uint8_t* in = src + static_cast<size_t>(col) * channels;
      if (w == 0) {
        std::memcpy(out, in, static_cast<size_t>(channels));
        continue;
      }
      for (int c = 0; c < channels; ++c) {
        out[c] = static_cast<uint8_t>((out[c] * w + in[c] * (255u - w) + 127u) / 255u);
      }
    }
  }
}

}  // namespace outpaint
