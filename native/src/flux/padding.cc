#include "flux/padding.h"

#include <algorithm>
#include <cstring>

namespace outpaint::flux {

Image PadImage(const Image& image) {
  Image padded(PaddedExtent(image.width), PaddedExtent(image.height), image.channels);
  for (int y = 0; y < padded.height; ++y) {
    const uint8_t* source = image.Row(std::min(y, image.height - 1));
    uint8_t* row = padded.Row(y);
    std::memcpy(row, source, image.RowBytes());
    const uint8_t* last = source + image.RowBytes() - image.channels;
    for (int x = image.width; x < padded.width; ++x) std::memcpy(row + static_cast<size_t>(x) * image.channels, last, image.channels);
  }
  return padded;
}

Mask PadMask(const Mask& mask) {
  Mask padded(PaddedExtent(mask.width), PaddedExtent(mask.height), 255);
  for (int y = 0; y < mask.height; ++y) std::memcpy(padded.Row(y), mask.Row(y), mask.width);
  return padded;
}

Image CropImage(const Image& image, int width, int height) {
  Image cropped(width, height, image.channels);
  for (int y = 0; y < height; ++y) std::memcpy(cropped.Row(y), image.Row(y), cropped.RowBytes());
  return cropped;
}

}  // namespace outpaint::flux
