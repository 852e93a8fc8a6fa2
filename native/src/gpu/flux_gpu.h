#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/outpaint_backend.h"
#include "gpu/flux_model.h"
#include "gpu/flux_session.h"
#include "gpu/lora_refit.h"

namespace outpaint::gpu {

// What the FLUX backend keeps from run to run on its GPU: the model (weights), the worker's
// session (stream, contexts, buffers) and a LoRA refit per transformer, all made on the first
// run that needs them, on the worker's thread, so loading never blocks JavaScript. One run at a
// time (the backend holds a lock around each).
class FluxGpu {
 public:
  explicit FluxGpu(std::string fill_dir) : fill_dir_(std::move(fill_dir)) {}
  ~FluxGpu();

  // The plan bytes to read before `transformer` can run: the five Fill engines on first use,
  // FLUX.1 [dev]'s transformer on the first text-to-image run that uses it; 0 once loaded.
  int64_t BytesToLoad(FluxEngine transformer) const;
  // Loads what `transformer` needs. A failure frees whatever the failed load made (a half-loaded
  // model holds gigabytes of device memory), so the next run starts clean.
  void Load(FluxEngine transformer, const FluxModel::OnBytes& on_bytes);
  // Whether FLUX.1 [dev]'s transformer is installed (flux1-dev/transformer.plan).
  bool HasDevTransformer() const { return FileExists(EngineFile(fill_dir_, FluxEngine::kDevTransformer)); }
  void ApplyLoras(FluxEngine transformer, const std::vector<LoraRef>& loras);

  FluxSession& session() { return *session_; }

 private:
  void Reset();

  std::string fill_dir_;
  std::unique_ptr<FluxModel> model_;
  std::unique_ptr<FluxSession> session_;
  std::unique_ptr<LoraRefit> fill_refit_, dev_refit_;
};

}  // namespace outpaint::gpu
