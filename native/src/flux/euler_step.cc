#include "flux/euler_step.h"

namespace outpaint::flux {

void EulerStep(float* x, const float* v, size_t count, float sigma, float sigma_next) {
  const float dt = sigma_next - sigma;
  for (size_t i = 0; i < count; ++i) x[i] += dt * v[i];
}

void BlendNoise(float* x, const float* noise, const float* x0, size_t count, float sigma) {
  for (size_t i = 0; i < count; ++i) x[i] = sigma * noise[i] + (1.0f - sigma) * x0[i];
}

}  // namespace outpaint::flux
