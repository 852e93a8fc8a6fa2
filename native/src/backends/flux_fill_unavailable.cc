// The FLUX.1 Fill backend in a build without TensorRT: it reports why it cannot run.
#ifndef OUTPAINT_WITH_TENSORRT

#include "backends/flux_fill.h"
#include "runtime/errors.h"

namespace outpaint {

std::vector<std::string> ProbeFluxFill(const std::string&) {
  return {"this build of the native addon has no TensorRT support: rebuild it on the GPU host with "
          "TENSORRT_ROOT=<TensorRT 10 or 11 directory> npm run build:native (docs/gpu.md)"};
}

std::unique_ptr<OutpaintBackend> OpenFluxFill(const std::string& model_dir, ComputePool&) {
  throw NativeError("BACKEND_UNAVAILABLE", "FLUX_FILL_TRT cannot run here: " + ProbeFluxFill(model_dir).front());
}

}  // namespace outpaint

#endif
