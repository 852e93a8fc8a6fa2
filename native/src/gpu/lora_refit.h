#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/outpaint_backend.h"
#include "gpu/flux_model.h"

namespace outpaint::gpu {

// LoRA tunes on TensorRT: the transformer engine's weights are refitted in place (IRefitter)
// to W = W_base + sum of the LoRAs' deltas. Needs an engine built refittable and the base
// weights it was built from (transformer.refit.safetensors in the model directory, named as the
// engine's refittable weights, its metadata mapping the model's weight names to them). Deltas are recomputed only when the set of LoRAs changes; weights
// a previous set changed and the new one does not are put back to their base values.
class LoraRefit {
 public:
  explicit LoraRefit(FluxModel& model) : model_(model) {}
  // Throws NativeError LORA_UNSUPPORTED (engine not refittable) or MODEL_INVALID.
  void Apply(const std::vector<LoraRef>& loras);

 private:
  FluxModel& model_;
  std::vector<LoraRef> applied_;
  std::vector<std::string> changed_;  // weights that differ from the base now
};

}  // namespace outpaint::gpu
