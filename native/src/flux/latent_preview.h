#pragma once

#include <cstdint>

#include "flux/latent_layout.h"

namespace outpaint::flux {

constexpr int kLatentChannels = 16;

// A cheap picture of a FLUX latent for progress previews, without the VAE: each latent pixel's
// 16 values (normalized space, as the transformer sees them) times a fixed 16x3 matrix plus a
// bias gives RGB in [-1, 1]. The factors are the linear fit ComfyUI publishes for FLUX.1
// (comfy/latent_formats.py, Flux.latent_rgb_factors and latent_rgb_factors_bias).
// In: packed latent [L, 64]; out: RGB, 8 bits, at latent resolution [h, w, 3].
void PreviewLatents(const float* packed, const LatentGrid& grid, uint8_t* rgb);

extern const float kPreviewFactors[kLatentChannels][3];
extern const float kPreviewBias[3];

}  // namespace outpaint::flux
