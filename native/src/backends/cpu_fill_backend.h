#pragma once

#include "backends/outpaint_backend.h"
#include "runtime/compute_pool.h"

namespace outpaint {

// The exemplar fill (EDGE, TILE, COLOR, PATCHMATCH) on the CPU: needs no weights.
class CpuFillBackend final : public OutpaintBackend {
 public:
  explicit CpuFillBackend(ComputePool& compute) : compute_(compute) {}
  Image Run(const BackendRequest& request, ProgressSink& sink) override {
    return RunOutpaint(request.outpaint, compute_, sink);
  }

 private:
  ComputePool& compute_;
};

}  // namespace outpaint
