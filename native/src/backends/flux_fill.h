#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/outpaint_backend.h"
#include "runtime/compute_pool.h"

namespace outpaint {

// The FLUX.1 Fill [dev] backend on TensorRT (10 or 11). Built only when CMake finds TensorRT's
// headers (TENSORRT_ROOT) and CUDA; libnvinfer and the CUDA driver are loaded at run time, so
// the same addon loads on machines without them and reports what is missing. It also generates
// whole images (OutpaintBackend::Generate) with FLUX.1 [dev]'s transformer where
// <MODELS_DIR>/flux1-dev/transformer.plan is installed, else with FLUX.1 Fill.

// What stops the backend from running here, in words a person can act on; empty when it can.
// Cheap: loads the libraries, counts devices and looks for the engine files in `model_dir`
// (not when it is empty), but reads no engine.
std::vector<std::string> ProbeFluxFill(const std::string& model_dir);

// Loads the engines in `model_dir` (once; they are kept for the backend's life) and checks
// their tensors. Throws NativeError BACKEND_UNAVAILABLE (see ProbeFluxFill) or MODEL_INVALID.
std::unique_ptr<OutpaintBackend> OpenFluxFill(const std::string& model_dir, ComputePool& compute);

}  // namespace outpaint
