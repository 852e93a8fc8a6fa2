#pragma once

#include <map>
#include <string>
#include <vector>

#include "flux/safetensors.h"

namespace outpaint::flux {

// One low-rank pair of a LoRA file and the transformer weight it changes:
// delta = scale * B A, B = `up` [out, r], A = `down` [r, in] (Hu et al. 2021, LoRA, eq. 3 with
// the alpha / r scaling). Diffusers/PEFT format: "<module>.lora_A.weight", "<module>.lora_B.weight",
// optional "<module>.alpha" (default r); module names optionally prefixed "transformer.".
struct LoraFactor {
  std::string target;  // "<module>.weight"
  const SafeTensor* down = nullptr;
  const SafeTensor* up = nullptr;
  float scale = 1.0f;  // weight * alpha / r
  int64_t Rows() const { return up->shape[0]; }
  int64_t Rank() const { return down->shape[0]; }
  int64_t Cols() const { return down->shape[1]; }
};

// Every pair in `lora` (named `name` in messages), scaled by `weight`; pointers into `lora`.
// Other layouts (kohya "lora_unet_*") and mismatched shapes are refused with NativeError
// MODEL_INVALID saying what was expected.
std::vector<LoraFactor> LoraFactors(const SafeTensorsFile& lora, const std::string& name, float weight);

// A weight's change from LoRAs: delta[o][i] for a Linear weight [out, in].
struct WeightDelta {
  int64_t rows = 0;  // out
  int64_t cols = 0;  // in
  std::vector<float> values;
};

// The CPU reference of the deltas the GPU refit adds (gpu/lora_refit.h, with cuBLAS): adds
// one LoRA's deltas into `deltas`, keyed by the weight they change.
void AccumulateLoraDeltas(const SafeTensorsFile& lora, const std::string& name, float weight,
                          std::map<std::string, WeightDelta>& deltas);

}  // namespace outpaint::flux
