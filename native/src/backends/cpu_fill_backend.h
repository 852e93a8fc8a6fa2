#pragma once

#include "backends/outpaint_backend.h"
#include "runtime/compute_pool.h"
#include "runtime/errors.h"

namespace outpaint {

// The exemplar fill (EDGE, TILE, COLOR, PATCHMATCH) on the CPU: needs no weights, and has no
// denoiser, so the pipeline frame's pre-fill is its answer.
class CpuFillBackend final : public OutpaintBackend {
 public:
  explicit CpuFillBackend(ComputePool& compute) : compute_(compute) {}
  Image Run(const BackendRequest& request, ProgressSink& sink) override {
    return RunOutpaint(request.outpaint, compute_, sink);
  }
  GenerateResult Generate(const GenerateRequest&, ProgressSink&) override {
    throw NativeError("INVALID_ARGUMENT", "CPU_FILL cannot generate an image from text or denoise one: it only extends images");
  }

 private:
  ComputePool& compute_;
};

}  // namespace outpaint
