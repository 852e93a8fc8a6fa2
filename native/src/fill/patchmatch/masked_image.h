#pragma once

#include <cstdint>
#include <vector>

#include "core/image.h"

namespace outpaint::patchmatch {

// Colour channels (at most 4) and the texture features some levels append (texture_features.h).
constexpr int kMaxChannels = 6;

// One pyramid level: pixels and which of them are holes (1: to synthesize, 0: known).
struct MaskedImage {
  int width = 0;
  int height = 0;
  int channels = 0;         // per pixel: the colour channels first, then any texture features
  int colour_channels = 0;
  std::vector<uint8_t> pixels;  // interleaved, rows packed
  std::vector<uint8_t> hole;

  size_t Index(int x, int y) const { return static_cast<size_t>(y) * width + x; }
  uint8_t* Pixel(size_t index) { return pixels.data() + index * channels; }
  const uint8_t* Pixel(size_t index) const { return pixels.data() + index * channels; }
};

// Level 0 of the pyramid: the canvas, with holes where the mask is above 0.
MaskedImage FromCanvas(const Image& canvas, const Mask& mask);

// A level of the same size, colour channels and holes with `channels` channels per pixel: the
// leading ones copied from `image`, any beyond its channels zero (so colour_channels gives the
// colours alone).
MaskedImage WithChannels(const MaskedImage& image, int channels);

// Half the size (rounded up). A coarse pixel averages the known pixels of its 2x2 block and is
// known only when all of them are, so known colours never mix with unfilled holes.
MaskedImage Downsample(const MaskedImage& fine);

// Sets every hole pixel from a coarser level's pixel that covers it (the fine level's channels:
// features the coarse level has and the fine one lacks are dropped).
void UpsampleHoles(const MaskedImage& coarse, MaskedImage& fine);

// For every pixel, how many pixels deep it lies inside the hole (0 for known pixels): the
// chessboard distance to the nearest known pixel (65535 where there is none), from a two-pass
// distance transform.
std::vector<uint16_t> HoleDepth(const MaskedImage& image);

// The depth of the hole's deepest pixel, as HoleDepth counts it (0 without a hole).
int DeepestHole(const MaskedImage& image);

// A first guess for the coarsest level: holes take the mean of already-set 8-neighbours, peeled
// inward from the known pixels one ring at a time (deterministic, smooth, no copying).
void OnionPeelFill(MaskedImage& image);

}  // namespace outpaint::patchmatch
