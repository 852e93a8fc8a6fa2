#pragma once

#include <vector>

namespace outpaint::flux {

// The flow-matching schedule FLUX.1 samples with (diffusers' FluxFillPipeline and
// FlowMatchEulerDiscreteScheduler with dynamic shifting; BFL's reference sampling code):
//   sigmas = linspace(1, 1/N, N)
//   mu     = m * seq + b, where seq = (H/16)(W/16) image tokens and the line runs through
//            (256, 0.5) and (4096, 1.15): m = (1.15 - 0.5)/(4096 - 256), b = 0.5 - 256 m
//   sigma' = e^mu / (e^mu + (1/sigma - 1))
// and a final 0 is appended, so there are N + 1 values and step i goes from sigma'_i to sigma'_{i+1}.
double ShiftMu(int image_tokens);

// The N + 1 sigmas for `steps` steps at a width x height image (both multiples of 16), in fp32
// as the transformer receives them (computed in double, rounded once).
std::vector<float> Sigmas(int steps, int width, int height);

// Image-to-image start: with denoising strength s < 1 the run skips the first
// steps (diffusers' get_timesteps: init = min(N s, N), start = int(max(N - init, 0))). Returns the
// index of the first step that runs; N when none does.
int FirstStep(int steps, double strength);

}  // namespace outpaint::flux
