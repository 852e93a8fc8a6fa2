#pragma once

#include <cstddef>

namespace outpaint::flux {

// One flow-matching Euler step, in fp32: x <- x + (sigma_next - sigma) * v, where v is the
// transformer's velocity prediction (diffusers' FlowMatchEulerDiscreteScheduler.step).
void EulerStep(float* x, const float* v, size_t count, float sigma, float sigma_next);

// Image-to-image start point: x = sigma * noise + (1 - sigma) * x0 (the scheduler's scale_noise).
void BlendNoise(float* x, const float* noise, const float* x0, size_t count, float sigma);

}  // namespace outpaint::flux
