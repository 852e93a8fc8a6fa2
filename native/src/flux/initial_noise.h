#pragma once

#include <cstddef>
#include <cstdint>

namespace outpaint::flux {

// Standard normal noise for the packed latent, reproducible for a seed on any machine: value i
// comes from the counter-based generator (runtime/random.h) through Box-Muller, so it depends
// only on (seed, i). Not bit-compatible with torch's generator; the same seed gives the same
// image on this server.
void GaussianNoise(uint64_t seed, float* out, size_t count);

}  // namespace outpaint::flux
