#pragma once

#include <map>
#include <string>
#include <vector>

#include "flux/safetensors.h"

namespace outpaint::flux {

// A weight's change from LoRAs: delta[o][i] for a Linear weight [out, in].
struct WeightDelta {
  int64_t rows = 0;  // out
  int64_t cols = 0;  // in
  std::vector<float> values;
};

// Adds one LoRA's deltas, scaled by `weight`, into `deltas`, keyed by the transformer weight
// they change ("<module>.weight"). Diffusers/PEFT format: "<module>.lora_A.weight" A [r, in],
// "<module>.lora_B.weight" B [out, r], optional "<module>.alpha" (default r), module names
// optionally prefixed "transformer."; delta = weight * (alpha / r) * (B A) (Hu et al. 2021,
// LoRA, eq. 3 with the alpha/r scaling). Other layouts (kohya "lora_unet_*") are refused with
// the format expected.
void AccumulateLoraDeltas(const SafeTensorsFile& lora, const std::string& name, float weight,
                          std::map<std::string, WeightDelta>& deltas);

}  // namespace outpaint::flux
