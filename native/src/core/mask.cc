#include "core/mask.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace outpaint {
namespace {

// Mask weight at `distance` pixels inside a seam: pixel centres sample a linear ramp that is
// 1 at the seam line and 0 at `feather` pixels in, so the band never reaches 255 or 0 exactly.
std::vector<uint8_t> FeatherRamp(int feather) {
  std::vector<uint8_t> ramp(static_cast<size_t>(feather));
  for (int d = 0; d < feather; ++d) {
    const double weight = 1.0 - (d + 0.5) / feather;
    ramp[static_cast<size_t>(d)] = static_cast<uint8_t>(std::lround(weight * 255.0));
  }
  return ramp;
}

}  // namespace

Mask BuildOutpaintMask(const Placement& p, int feather) {
  Mask mask(p.canvas_width, p.canvas_height, 255);
  const std::vector<uint8_t> ramp = FeatherRamp(feather);
  const int kFar = std::numeric_limits<int>::max();

  for (int row = p.y; row < p.Bottom(); ++row) {
    const int top_distance = p.SeamTop() ? row - p.y : kFar;
    const int bottom_distance = p.SeamBottom() ? p.Bottom() - 1 - row : kFar;
    const int row_distance = std::min(top_distance, bottom_distance);
    uint8_t* out = mask.Row(row);
    for (int col = p.x; col < p.Right(); ++col) {
      const int left_distance = p.SeamLeft() ? col - p.x : kFar;
      const int right_distance = p.SeamRight() ? p.Right() - 1 - col : kFar;
      const int distance = std::min({row_distance, left_distance, right_distance});
      out[col] = distance < feather ? ramp[static_cast<size_t>(distance)] : 0;
    }
  }
  return mask;
}

Rect KnownRect(const Placement& p, int feather) {
  const int left = p.SeamLeft() ? feather : 0;
  const int top = p.SeamTop() ? feather : 0;
  const int right = p.SeamRight() ? feather : 0;
  const int bottom = p.SeamBottom() ? feather : 0;
  return Rect{p.x + left, p.y + top, p.width - left - right, p.height - top - bottom};
}

}  // namespace outpaint
