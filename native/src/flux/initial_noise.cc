#include "flux/initial_noise.h"

#include <cmath>

#include "runtime/random.h"

namespace outpaint::flux {
namespace {

// A uniform double in (0, 1] from the top 53 bits, so log() never sees 0.
double Uniform(uint64_t bits) { return (static_cast<double>(bits >> 11) + 1.0) * 0x1.0p-53; }

}  // namespace

void GaussianNoise(uint64_t seed, float* out, size_t count) {
  constexpr double kTwoPi = 6.283185307179586;
  for (size_t pair = 0; pair * 2 < count; ++pair) {
    CounterRandom random(seed, 0x466c7578, pair, 0);
    const double radius = std::sqrt(-2.0 * std::log(Uniform(random.Next())));
    const double angle = kTwoPi * Uniform(random.Next());
    out[pair * 2] = static_cast<float>(radius * std::cos(angle));
    if (pair * 2 + 1 < count) out[pair * 2 + 1] = static_cast<float>(radius * std::sin(angle));
  }
}

}  // namespace outpaint::flux
