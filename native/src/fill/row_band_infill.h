#pragma once

#include "fill/infill.h"

namespace outpaint {

// Base for fills whose every new pixel depends on the known rectangle alone: the canvas is
// filled a band of rows at a time, one progress step (and cancellation check) per band.
class RowBandInfill : public Infill {
 public:
  RowBandInfill(const Rect& known, int canvas_width, int canvas_height);
  int StepCount() const override { return band_count_; }
  void Run(Image& canvas, StepReporter& reporter) override;

 protected:
  // Writes every pixel of rows [row_begin, row_end) outside `known_`.
  virtual void FillRows(Image& canvas, int row_begin, int row_end) = 0;
  const Rect known_;
  const int canvas_width_;
  const int canvas_height_;

 private:
  int band_count_;
};

}  // namespace outpaint
