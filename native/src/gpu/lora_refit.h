#pragma once

#include <cuda_runtime_api.h>

#include <optional>
#include <string>
#include <vector>

#include "backends/outpaint_backend.h"
#include "flux/engine_contract.h"
#include "gpu/flux_model.h"

namespace outpaint::gpu {

// LoRA tunes on TensorRT: a transformer engine's weights are refitted in place (IRefitter) to
// W = W_base + the sum of the LoRAs' deltas, merged on the device (gpu/weight_merge.h) and
// refitted with refitCudaEngineAsync on the worker's stream. Needs an engine built refittable
// and the base weights it was built from: transformer.refit.safetensors beside its plan, named
// as the engine's refittable weights, its metadata mapping the model's weight names to them
// ("|T": stored transposed). Weights are set in batches of bounded device memory; in each, every
// weight TensorRT reports missing (getMissingWeights: weights it combined with a set one) is set
// too, from the base, and each weight's type and count follow getWeightsPrototype, as NVIDIA's
// diffusion demo refits. Nothing happens when the set of LoRAs is the one applied last; weights
// a previous set changed and the new one does not go back to their base values.
class LoraRefit {
 public:
  LoraRefit(FluxModel& model, flux::FluxEngine transformer) : model_(model), transformer_(transformer) {}
  // Throws NativeError LORA_UNSUPPORTED (engine not refittable) or MODEL_INVALID.
  void Apply(const std::vector<LoraRef>& loras, cudaStream_t stream);

 private:
  FluxModel& model_;
  flux::FluxEngine transformer_;
  std::optional<std::vector<LoraRef>> applied_ = std::vector<LoraRef>();  // none when unknown (a refit failed)
  std::vector<std::string> changed_;  // model weight names that may differ from the base now
};

}  // namespace outpaint::gpu
