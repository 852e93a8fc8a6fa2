#include "core/colour.h"

#include <cstddef>

namespace outpaint {

Image ColourOf(const ImageView& canvas) {
  Image rgb(canvas.width, canvas.height, 3);
  const size_t pixels = static_cast<size_t>(canvas.width) * canvas.height;
  const int grey = canvas.channels < 3;
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* in = canvas.pixels + i * canvas.channels;
    for (int c = 0; c < 3; ++c) rgb.pixels[i * 3 + c] = in[grey ? 0 : c];
  }
  return rgb;
}

void WriteColour(const Image& rgb, Image& canvas) {
  const size_t pixels = static_cast<size_t>(canvas.width) * canvas.height;
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* in = rgb.pixels.data() + i * 3;
    uint8_t* out = canvas.pixels.data() + i * canvas.channels;
    if (canvas.channels >= 3) {
      for (int c = 0; c < 3; ++c) out[c] = in[c];
    } else {
      out[0] = static_cast<uint8_t>((299u * in[0] + 587u * in[1] + 114u * in[2] + 500u) / 1000u);
    }
  }
}

}  // namespace outpaint
