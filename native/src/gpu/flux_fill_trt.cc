// The FLUX_FILL_TRT backend: FLUX.1 Fill [dev] (and, for text to image, FLUX.1 [dev] where its
// engine is installed) on TensorRT, as the denoiser of the one pipeline frame.
#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include <mutex>

#include "backends/flux_fill.h"
#include "gpu/flux_denoiser.h"
#include "gpu/flux_gpu.h"
#include "gpu/nvinfer_library.h"
#include "runtime/errors.h"

namespace outpaint {
namespace {

using gpu::FluxEngine;

std::string CudaProblem() {
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver == nullptr) return "no NVIDIA driver: libcuda.so.1 cannot be loaded (install the NVIDIA driver)";
  dlclose(driver);
  int devices = 0;
  const cudaError_t status = cudaGetDeviceCount(&devices);
  if (status != cudaSuccess) {
    return std::string("no usable CUDA driver or device (") + cudaGetErrorName(status) + ": " + cudaGetErrorString(status) + ")";
  }
  return devices > 0 ? "" : "no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
}

class FluxFillTrtBackend final : public OutpaintBackend {
 public:
  FluxFillTrtBackend(std::string model_dir, ComputePool& compute) : gpu_(std::move(model_dir)), compute_(compute) {}

  Image Run(const BackendRequest& request, ProgressSink& sink) override {
    std::lock_guard<std::mutex> lock(mutex_);  // one run at a time on the GPU
    gpu::FluxDenoiser denoiser(gpu_, request.denoise, FluxEngine::kFillTransformer, "DENOISING");
    return RunOutpaint(request.outpaint, compute_, sink, &denoiser);
  }

  // FLUX.1 [dev] where its engine is installed (diffusers' FluxPipeline / FluxImg2ImgPipeline);
  // otherwise FLUX.1 Fill with the whole canvas masked (FluxFillPipeline with a mask of ones).
  GenerateResult Generate(const GenerateRequest& request, ProgressSink& sink) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const bool dev = gpu_.HasDevTransformer();
    gpu::FluxDenoiser denoiser(gpu_, request.denoise, dev ? FluxEngine::kDevTransformer : FluxEngine::kFillTransformer, "TXT2IMG");
    return {RunGenerate(request.generate, denoiser, sink), dev ? "FLUX.1-dev" : "FLUX.1-Fill-dev"};
  }

 private:
  std::mutex mutex_;
  gpu::FluxGpu gpu_;
  ComputePool& compute_;
};

}  // namespace

std::vector<std::string> ProbeFluxFill(const std::string& model_dir) {
  std::vector<std::string> missing;
  const std::string library = gpu::NvInferLibrary::Problem();
  if (!library.empty()) missing.push_back(library);
  const std::string cuda = CudaProblem();
  if (!cuda.empty()) missing.push_back(cuda);
  if (model_dir.empty()) return missing;  // the caller says where it looked
  for (FluxEngine engine : gpu::kFillEngines) {
    const std::string file = gpu::EngineFile(model_dir, engine);
    if (!gpu::FileExists(file)) missing.push_back("no engine at " + file + " (scripts/build-flux-engines.sh builds it)");
  }
  return missing;
}

std::unique_ptr<OutpaintBackend> OpenFluxFill(const std::string& model_dir, ComputePool& compute) {
  const std::vector<std::string> missing = ProbeFluxFill(model_dir);
  if (!missing.empty()) {
    std::string message = "FLUX_FILL_TRT cannot run here: ";
    for (size_t i = 0; i < missing.size(); ++i) message += (i ? "; " : "") + missing[i];
    throw NativeError("BACKEND_UNAVAILABLE", message);
  }
  return std::make_unique<FluxFillTrtBackend>(model_dir, compute);
}

}  // namespace outpaint
