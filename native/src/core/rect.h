#pragma once

namespace outpaint {

struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  int Right() const { return x + width; }    // one past the last column
  int Bottom() const { return y + height; }  // one past the last row
  bool Empty() const { return width <= 0 || height <= 0; }
  bool Contains(int col, int row) const { return col >= x && col < Right() && row >= y && row < Bottom(); }
};

}  // namespace outpaint
