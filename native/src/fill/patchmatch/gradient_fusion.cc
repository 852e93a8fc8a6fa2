#include "fill/patchmatch/gradient_fusion.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "fill/patchmatch/poisson_solver.h"

namespace outpaint::patchmatch {
namespace {

// Settings chosen with the fill benchmark (bench/fill).
// How much stiffer an edge across the original's border is than an edge inside the fill. A
// mismatch the correction cannot absorb (offsets that change from one pixel to the next along
// the border) lands where the edges are softest: with equal weights it stays on the border, one
// straight line the eye finds (border contrast error, right quarter / four sides: 0.119 / 0.052
// with equal weights, 0.057 / 0.070 at twice as stiff, 0.050 / 0.091 at three times).
constexpr float kBorderStiffness = 2.0f;
// λ: the copy's own brightness fades out of the correction over about 1/sqrt(λ) = 100 px, so
// regions are integrated from the border across the whole fill (with λ = 0.02, which fades in
// 7 px, pasted regions kept their brightness and showed as blocks in skies and water); it stays
// above zero so that the problem is well posed even where no border value reaches. 1e-4, 2e-4
// and 0 measured alike; 1e-3 and above brought the blocks back.
constexpr float kScreening = 1e-4f;
// Multigrid cycles: from the full-multigrid start one more V-cycle leaves a residual far below a
// grey level (the bench's zoom-out figures alike with this and with 4 plain V-cycles).
constexpr int kCycles = 2;
constexpr int kRowsPerChunk = 16;
// The border's fixed values (what the original says less what the fill implies) change from one
// pixel to the next where the copied texture does not line up with the original's. Integrated
// whole, that pixel-scale mismatch smooths the fill's first pixels, and the border comes out
// softer than the lines beside it; left whole on the border, it shows as a line. So each value
// keeps only part of its difference from the mean of the border values within kMismatchRadius:
// the slow offset is integrated, kMismatchKept of the texture-scale mismatch stays a step (seed 1,
// bench photos, border contrast / seam error, four sides 0.100 / 0.186 -> 0.050 / 0.145, right
// quarter 0.097 / 0.150 -> 0.069 / 0.131, zoom-out 0.089 / 0.157 -> 0.070 / 0.164; kept shares
// 0.5 to 0.8 alike, 0 (the mean alone) put a line on the right quarter: 0.216 / 0.190).
constexpr int kMismatchRadius = 3;
constexpr float kMismatchKept = 0.6f;
// A source's step above this (grey levels) is an object's outline, not texture. Imposed on a seam
// where the copy did not make it, such a step shifts the whole region beyond the seam: a copy of
// fog beside a copy of the pier's deck took the deck's dark edge, and the correction spread it
// into a dark cloud in the fog (pier, right quarter, every seed). Such a step is only pulled into
// the range the two sources span (six seeds, against the larger step everywhere: zoom-out straight
// edges beyond real 0.49 -> 0.41 and border contrast error 0.102 -> 0.099, right-quarter seam
// error 0.145 -> 0.139, four-side texture energy 0.880 -> 0.869; 16, 32 and 48 measured alike or
// worse; the range everywhere cost 0.03 of texture energy, and a cap on the correction brought the
// blocks back: zoom-out border contrast error 0.142-0.177).
constexpr float kEdgeStep = 24.0f;

// e(p, q) for the edge from hole pixel p to its neighbour q = p + d (d = 1 or the row width):
// what the sources say the step should be, less the step the copy made. The sources say the
// larger of their own steps there (p's source to the pixel after it, q's from the one before),
// so a texture step either of them has survives and only a step neither has is smoothed away
// (the mean of the two halved edges: four-side texture energy 0.798 -> 0.815); an outline
// (kEdgeStep) is kept within the range of the two. False where the two sources are neighbours
// too (nothing to correct) or either pixel is known.
bool EdgeTarget(const std::vector<int32_t>& sources, const MaskedImage& image, size_t p, size_t d, float* out) {
  const int32_t sp = sources[p], sq = sources[p + d];
  if (sp < 0 || sq < 0 || static_cast<size_t>(sq) == static_cast<size_t>(sp) + d) return false;
  const int w = image.width;
  const size_t size = image.hole.size();
  // The pixel after p's source and the one before q's source, where the image has them.
  const bool forward = d == 1 ? sp % w + 1 < w : static_cast<size_t>(sp) + d < size;
  const bool backward = d == 1 ? sq % w > 0 : static_cast<size_t>(sq) >= d;
  if (!forward && !backward) return false;
  const uint8_t* a = image.Pixel(static_cast<size_t>(sp));
  const uint8_t* b = image.Pixel(static_cast<size_t>(sq));
  const uint8_t* here = image.Pixel(p);
  const uint8_t* there = image.Pixel(p + d);
  for (int k = 0; k < image.channels; ++k) {
    const float after_p = forward ? static_cast<float>(a[static_cast<size_t>(image.channels) * d + k]) - a[k] : 0.0f;
    const float before_q = backward ? static_cast<float>(b[k]) - b[k - static_cast<std::ptrdiff_t>(image.channels * d)] : 0.0f;
    const float made = static_cast<float>(there[k]) - here[k];
    float wanted;
    if (std::max(std::abs(after_p), std::abs(before_q)) > kEdgeStep) {
      wanted = std::clamp(made, std::min(after_p, before_q), std::max(after_p, before_q));
    } else {
      wanted = std::abs(after_p) >= std::abs(before_q) ? after_p : before_q;
    }
    out[k] = wanted - made;
  }
  return true;
}

// What the fill implies for known pixel (x, y) on the border: the pixel beside the source of the
// hole pixel next to it, so that once the correction is added the step from the original into
// the hole is the source's own step there (seam error on the right quarter 0.128 -> 0.074
// against the matches' mean proposal). The proposal is the fallback.
bool BorderProposal(const Voter& voter, const std::vector<int32_t>& sources, const MaskedImage& image, int x, int y, float* out) {
  const int w = image.width, h = image.height;
  const int offsets[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
  for (const auto& offset : offsets) {
    const int qx = x + offset[0], qy = y + offset[1];
    if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
    const int32_t source = sources[image.Index(qx, qy)];
    if (source < 0) continue;
    const int px = source % w - offset[0], py = source / w - offset[1];
    if (px < 0 || py < 0 || px >= w || py >= h) continue;
    const uint8_t* pixel = image.Pixel(image.Index(px, py));
    for (int k = 0; k < image.channels; ++k) out[k] = pixel[k];
    return true;
  }
  return voter.At(x, y, out);
}

// Moves each fixed value towards the mean of the fixed values within `radius` (a square window),
// by 1 - `kept` of its difference from it.
void SmoothBorderValues(PoissonProblem& problem, int radius, float kept, ComputePool& pool, const ProgressSink& sink) {
  const int w = problem.width, h = problem.height, c = problem.channels;
  std::vector<float> smoothed = problem.fixed;
  pool.ParallelFor(h, kRowsPerChunk, [&](int begin, int end) {
    if (sink.IsCancelled()) throw CancelledError();
    for (int y = begin; y < end; ++y) {
      for (int x = 0; x < w; ++x) {
        const size_t p = problem.Index(x, y);
        if (problem.state[p] != PoissonProblem::kFixed) continue;
        std::array<float, kMaxChannels> sum{};
        int count = 0;
        for (int ny = std::max(y - radius, 0); ny <= std::min(y + radius, h - 1); ++ny) {
          for (int nx = std::max(x - radius, 0); nx <= std::min(x + radius, w - 1); ++nx) {
            const size_t q = problem.Index(nx, ny);
            if (problem.state[q] != PoissonProblem::kFixed) continue;
            for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] += problem.fixed[q * c + k];
            ++count;
          }
        }
        for (int k = 0; k < c; ++k) {
          const float value = problem.fixed[p * c + k], mean = sum[static_cast<size_t>(k)] / static_cast<float>(count);
          smoothed[p * c + k] = mean + kept * (value - mean);
        }
      }
    }
  });
  problem.fixed.swap(smoothed);
}

}  // namespace

void FuseGradients(const Voter& voter, const std::vector<int32_t>& sources, MaskedImage& image, ComputePool& pool,
                   const ProgressSink& sink) {
  const int w = image.width, h = image.height, c = image.channels;
  PoissonProblem problem(w, h, c);
  problem.fixed_stiffness = kBorderStiffness;
  problem.screening = kScreening;
  pool.ParallelFor(h, kRowsPerChunk, [&](int begin, int end) {
    if (sink.IsCancelled()) throw CancelledError();
    for (int y = begin; y < end; ++y) {
      for (int x = 0; x < w; ++x) {
        const size_t p = image.Index(x, y);
        if (image.hole[p]) {
          problem.state[p] = PoissonProblem::kUnknown;
          if (x + 1 < w) EdgeTarget(sources, image, p, 1, &problem.right[p * c]);
          if (y + 1 < h) EdgeTarget(sources, image, p, static_cast<size_t>(w), &problem.down[p * c]);
          continue;
        }
        const bool on_border = (x > 0 && image.hole[p - 1]) || (x + 1 < w && image.hole[p + 1]) ||
                               (y > 0 && image.hole[p - static_cast<size_t>(w)]) || (y + 1 < h && image.hole[p + static_cast<size_t>(w)]);
        float* value = &problem.fixed[p * c];
        if (!on_border || !BorderProposal(voter, sources, image, x, y, value)) continue;
        const uint8_t* real = image.Pixel(p);
        for (int k = 0; k < c; ++k) value[k] = real[k] - value[k];
        problem.state[p] = PoissonProblem::kFixed;
      }
    }
  });
  SmoothBorderValues(problem, kMismatchRadius, kMismatchKept, pool, sink);
  const std::vector<float> correction = SolvePoisson(std::move(problem), kCycles, pool, sink);
  for (size_t i = 0; i < image.hole.size(); ++i) {
    if (!image.hole[i]) continue;
    uint8_t* px = image.Pixel(i);
    for (int k = 0; k < c; ++k) px[k] = static_cast<uint8_t>(std::clamp(px[k] + correction[i * c + k] + 0.5f, 0.0f, 255.0f));
  }
}

}  // namespace outpaint::patchmatch
