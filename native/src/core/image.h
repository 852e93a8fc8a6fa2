#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace outpaint {

// Interleaved 8-bit pixels, rows packed without padding. Does not own its pixels.
struct ImageView {
  const uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  int channels = 0;

  size_t RowBytes() const { return static_cast<size_t>(width) * channels; }
  const uint8_t* Row(int y) const { return pixels + static_cast<size_t>(y) * RowBytes(); }
};

// Interleaved 8-bit pixels that own their storage.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> pixels;

  Image() = default;
  Image(int w, int h, int c) : width(w), height(h), channels(c), pixels(static_cast<size_t>(w) * h * c) {}

  size_t RowBytes() const { return static_cast<size_t>(width) * channels; }
  uint8_t* Row(int y) { return pixels.data() + static_cast<size_t>(y) * RowBytes(); }
  const uint8_t* Row(int y) const { return pixels.data() + static_cast<size_t>(y) * RowBytes(); }
  ImageView View() const { return ImageView{pixels.data(), width, height, channels}; }
};

// One value per canvas pixel: 0 keeps the original, 255 takes new content, between blends.
struct Mask {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> values;

  Mask() = default;
  Mask(int w, int h, uint8_t fill) : width(w), height(h), values(static_cast<size_t>(w) * h, fill) {}

  uint8_t* Row(int y) { return values.data() + static_cast<size_t>(y) * width; }
  const uint8_t* Row(int y) const { return values.data() + static_cast<size_t>(y) * width; }
};

}  // namespace outpaint
