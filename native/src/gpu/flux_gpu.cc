#include "gpu/flux_gpu.h"

#include "gpu/cuda_check.h"

namespace outpaint::gpu {

FluxGpu::~FluxGpu() { Reset(); }

void FluxGpu::Reset() {
  // Users of the model before the model.
  fill_refit_.reset();
  dev_refit_.reset();
  session_.reset();
  model_.reset();
}

int64_t FluxGpu::BytesToLoad(FluxEngine transformer) const {
  int64_t bytes = 0;
  if (!model_) {
    for (FluxEngine engine : kFillEngines) bytes += FileSize(EngineFile(fill_dir_, engine));
  }
  if (transformer == FluxEngine::kDevTransformer) {
    bytes += model_ ? model_->BytesToLoad(transformer) : FileSize(EngineFile(fill_dir_, transformer));
  }
  return bytes;
}

void FluxGpu::Load(FluxEngine transformer, const FluxModel::OnBytes& on_bytes) {
  if (!model_) {
    try {
      CudaCheck(cudaSetDevice(0), "cudaSetDevice");
      model_ = std::make_unique<FluxModel>(fill_dir_, on_bytes);
      session_ = std::make_unique<FluxSession>(*model_);
      fill_refit_ = std::make_unique<LoraRefit>(*model_, FluxEngine::kFillTransformer);
      dev_refit_ = std::make_unique<LoraRefit>(*model_, FluxEngine::kDevTransformer);
    } catch (...) {
      Reset();
      throw;
    }
  }
  model_->Load(transformer, on_bytes);  // FLUX.1 [dev]'s transformer: a failure keeps the model as it was
}

void FluxGpu::ApplyLoras(FluxEngine transformer, const std::vector<LoraRef>& loras) {
  (transformer == FluxEngine::kDevTransformer ? dev_refit_ : fill_refit_)->Apply(loras, session_->stream());
}

}  // namespace outpaint::gpu
