#include "fill/patchmatch/interior_seams.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace outpaint::patchmatch {
namespace {

// Settings chosen with the fill benchmark (bench/fill). λ = 0.02 lets a correction fade over
// about 1/sqrt(λ) = 7 px; the sweeps cover a band of kReach px around the meeting lines, where
// it has faded to about a tenth (a wider band or more sweeps changed no figure).
constexpr float kScreening = 0.02f;
constexpr int kReach = 16;
constexpr int kSweeps = 20;
constexpr float kOverRelaxation = 1.7f;
constexpr int kRowsPerChunk = 16;
constexpr int kPixelsPerChunk = 4096;

// e(p, q) for the edge from hole pixel p to its neighbour q = p + d (d = 1 or the row width):
// what the sources say the step should be, less the step the copy made. The sources say the
// larger of their own steps there (p's source to the pixel after it, q's from the one before),
// so an edge either of them has survives and only a step neither has is smoothed away (the mean
// of the two halved edges: four-side texture energy 0.798 -> 0.815). False where the two
// sources are neighbours too (nothing to correct) or either pixel is known.
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
    const float implied = std::abs(after_p) >= std::abs(before_q) ? after_p : before_q;
    out[k] = implied - (static_cast<float>(there[k]) - here[k]);
  }
  return true;
}

}  // namespace

std::vector<float> InteriorSeamCorrection(const std::vector<int32_t>& sources, const MaskedImage& image, ComputePool& pool,
                                          const ProgressSink& sink) {
  const int w = image.width, h = image.height, c = image.channels;
  const size_t size = image.hole.size();
  std::vector<float> right(size * c, 0.0f), down(size * c, 0.0f);
  std::vector<uint8_t> away(size, 1);  // 0: a pixel with a corrected edge
  pool.ParallelFor(h, kRowsPerChunk, [&](int begin, int end) {
    for (int y = begin; y < end; ++y) {
      for (int x = 0; x < w; ++x) {
        const size_t p = image.Index(x, y);
        if (sources[p] < 0) continue;
        if (x + 1 < w && EdgeTarget(sources, image, p, 1, &right[p * c])) away[p] = 0;
        if (y + 1 < h && EdgeTarget(sources, image, p, static_cast<size_t>(w), &down[p * c])) away[p] = 0;
      }
    }
  });
  const std::vector<uint16_t> distance = ChessboardDistance(away, w, h);
  std::array<std::vector<size_t>, 2> colours;  // red-black ordering: each colour's updates are independent
  for (size_t i = 0; i < size; ++i) {
    if (distance[i] <= kReach + 1 && image.hole[i]) colours[(i % w + i / w) % 2].push_back(i);
  }

  std::vector<float> correction(size * c, 0.0f);
  for (int sweep = 0; sweep < kSweeps; ++sweep) {
    for (const std::vector<size_t>& pixels : colours) {
      const int chunks = static_cast<int>((pixels.size() + kPixelsPerChunk - 1) / kPixelsPerChunk);
      pool.ParallelFor(chunks, 1, [&](int begin, int end) {
        if (sink.IsCancelled()) throw CancelledError();
        const size_t last = std::min(pixels.size(), static_cast<size_t>(end) * kPixelsPerChunk);
        for (size_t n = static_cast<size_t>(begin) * kPixelsPerChunk; n < last; ++n) {
          const size_t p = pixels[n];
          const int x = static_cast<int>(p % w), y = static_cast<int>(p / w);
          std::array<float, kMaxChannels> sum{};
          int neighbours = 0;
          // c(p) ≈ c(q) - e(p, q) for each neighbour q, with e(q, p) = -e(p, q).
          const auto add = [&](size_t q, const float* e, float sign) {
            for (int k = 0; k < c; ++k) sum[static_cast<size_t>(k)] += correction[q * c + k] + sign * e[k];
            ++neighbours;
          };
          if (x + 1 < w) add(p + 1, &right[p * c], -1.0f);
          if (x > 0) add(p - 1, &right[(p - 1) * c], 1.0f);
          if (y + 1 < h) add(p + w, &down[p * c], -1.0f);
          if (y > 0) add(p - w, &down[(p - w) * c], 1.0f);
          for (int k = 0; k < c; ++k) {
            float& value = correction[p * c + k];
            value += kOverRelaxation * (sum[static_cast<size_t>(k)] / (neighbours + kScreening) - value);
          }
        }
      });
    }
  }
  return correction;
}

}  // namespace outpaint::patchmatch
