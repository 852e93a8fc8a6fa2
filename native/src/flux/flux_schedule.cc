#include "flux/flux_schedule.h"

#include <algorithm>
#include <cmath>

namespace outpaint::flux {
namespace {

constexpr double kBaseTokens = 256;
constexpr double kMaxTokens = 4096;
constexpr double kBaseShift = 0.5;
constexpr double kMaxShift = 1.15;

}  // namespace

double ShiftMu(int image_tokens) {
  const double slope = (kMaxShift - kBaseShift) / (kMaxTokens - kBaseTokens);
  const double intercept = kBaseShift - kBaseTokens * slope;
  return image_tokens * slope + intercept;
}

std::vector<float> Sigmas(int steps, int width, int height) {
  const double exp_mu = std::exp(ShiftMu((height / 16) * (width / 16)));
  std::vector<float> sigmas(static_cast<size_t>(steps) + 1, 0.0f);
  for (int i = 0; i < steps; ++i) {
    // linspace(1, 1/N, N): N points from 1 down to 1/N inclusive.
    const double sigma = steps == 1 ? 1.0 : 1.0 + (1.0 / steps - 1.0) * i / (steps - 1);
    sigmas[i] = static_cast<float>(exp_mu / (exp_mu + (1.0 / sigma - 1.0)));
  }
  return sigmas;
}

int FirstStep(int steps, double strength) {
  const double init = std::min(steps * strength, static_cast<double>(steps));
  return static_cast<int>(std::max(steps - init, 0.0));
}

}  // namespace outpaint::flux
