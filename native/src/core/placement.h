#pragma once

#include "core/rect.h"

namespace outpaint {

// Where the original image sits on the final canvas. The TypeScript layer guarantees that the
// original lies fully inside the canvas.
struct Placement {
  int canvas_width = 0;
  int canvas_height = 0;
  int x = 0;  // left edge of the original on the canvas
  int y = 0;  // top edge of the original on the canvas
  int width = 0;
  int height = 0;

  int Right() const { return x + width; }    // one past the last original column
  int Bottom() const { return y + height; }  // one past the last original row
  Rect Original() const { return Rect{x, y, width, height}; }

  // A side is a seam when new content is added beyond it.
  bool SeamLeft() const { return x > 0; }
  bool SeamTop() const { return y > 0; }
  bool SeamRight() const { return Right() < canvas_width; }
  bool SeamBottom() const { return Bottom() < canvas_height; }
};

}  // namespace outpaint
