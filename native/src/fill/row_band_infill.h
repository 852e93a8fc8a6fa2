#pragma once

#include "fill/infill.h"

namespace outpaint {

// Base for fills whose every new pixel depends on the original alone: the canvas is filled a
// band of rows at a time, one progress step (and cancellation check) per band.
class RowBandInfill : public Infill {
 public:
  explicit RowBandInfill(const Placement& placement);
  int StepCount() const override { return band_count_; }
  void Run(Image& canvas, StepReporter& reporter) override;

 protected:
  virtual void FillRows(Image& canvas, int row_begin, int row_end) = 0;
  const Placement placement_;

 private:
  int band_count_;
};

}  // namespace outpaint
