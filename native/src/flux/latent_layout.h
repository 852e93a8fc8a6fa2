#pragma once

#include <cstddef>
#include <cstdint>

namespace outpaint::flux {

// FLUX.1's latent layouts. A VAE latent is [C, h, w] (C = 16, h = H/8, w = W/8, batch 1). The
// transformer sees it as L = (h/2)(w/2) tokens of 4C values: 2x2 patches, packed as
//   packed[i*(w/2) + j][c*4 + 2*di + dj] = lat[c][2i + di][2j + dj]
// (diffusers' _pack_latents; unpack is the inverse).
struct LatentGrid {
  int channels = 16;
  int height = 0;  // h = H / 8, even
  int width = 0;   // w = W / 8, even

  int Tokens() const { return (height / 2) * (width / 2); }
  int PackedChannels() const { return channels * 4; }
  size_t Size() const { return static_cast<size_t>(channels) * height * width; }
};

void PackLatents(const float* latent, const LatentGrid& grid, float* packed);
void UnpackLatents(const float* packed, const LatentGrid& grid, float* latent);

// The Fill mask at latent resolution: a full-resolution mask [H, W] (1 = new content), space to
// depth in 8x8 blocks, out[dy*8 + dx][y][x] = mask[8y + dy][8x + dx], giving 64 channels at
// [h, w]; packing that as a latent of 64 channels gives the transformer's 256 mask values per
// token (diffusers' FluxFillPipeline.prepare_mask_latents).
void MaskToLatentChannels(const float* mask, int height, int width, float* out);

// Binary mask in [0, 1] for the model from the 8-bit outpaint mask: anything the mask touches
// (value > 127, the middle of the feather band and outward) is new content, as diffusers'
// mask processor binarizes at 0.5.
void BinarizeMask(const uint8_t* mask, size_t count, float* out);

// Position ids of the image tokens: ids[t] = (0, i, j) for t = i*(w/2) + j. Text ids are zeros.
void ImageIds(const LatentGrid& grid, float* ids);

// Token t's hidden state for the Fill transformer: [noisy latent (64) | masked-image latent
// (64) | mask (256)] = 384 values, in that order (diffusers concatenates along the last axis).
void ConcatFillInput(const float* noisy, const float* masked_image, const float* mask, int tokens, float* hidden);

// The VAE's latent normalization: z = (enc - shift) * scale on the way in, and enc = z / scale
// + shift on the way out (FLUX.1 VAE: shift 0.1159, scale 0.3611).
constexpr float kVaeShift = 0.1159f;
constexpr float kVaeScale = 0.3611f;
void NormalizeLatent(float* values, size_t count);
void DenormalizeLatent(float* values, size_t count);

}  // namespace outpaint::flux
