#include "flux/lora_merge.h"

#include "runtime/errors.h"

namespace outpaint::flux {
namespace {

const std::string kDown = ".lora_A.weight";
const std::string kUp = ".lora_B.weight";
const std::string kPrefix = "transformer.";

bool EndsWith(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::vector<LoraFactor> LoraFactors(const SafeTensorsFile& lora, const std::string& name, float weight) {
  std::vector<LoraFactor> factors;
  for (const auto& [key, down] : lora.tensors()) {
    if (!EndsWith(key, kDown)) continue;
    const std::string module = key.substr(0, key.size() - kDown.size());
    const SafeTensor* up = lora.Find(module + kUp);
    if (up == nullptr) throw NativeError("MODEL_INVALID", name + ": " + key + " has no matching " + module + kUp);
    if (down.shape.size() != 2 || up->shape.size() != 2 || up->shape[1] != down.shape[0]) {
      throw NativeError("MODEL_INVALID", name + ": " + module + " has LoRA factors of mismatched shapes");
    }
    const int64_t rank = down.shape[0];
    float alpha = static_cast<float>(rank);
    if (const SafeTensor* a = lora.Find(module + ".alpha"); a != nullptr && a->Count() == 1) alpha = a->ToFloats()[0];
    const std::string target = (module.rfind(kPrefix, 0) == 0 ? module.substr(kPrefix.size()) : module) + ".weight";
    factors.push_back({target, &down, up, weight * alpha / static_cast<float>(rank)});
  }
  if (factors.empty()) {
    throw NativeError("MODEL_INVALID", name + " holds no LoRA in the expected layout: expected diffusers/PEFT keys "
                                             "\"<module>.lora_A.weight\" and \"<module>.lora_B.weight\" (kohya \"lora_unet_*\" "
                                             "files can be converted with diffusers' FluxPipeline.load_lora_weights + save_lora_weights)");
  }
  return factors;
}

void AccumulateLoraDeltas(const SafeTensorsFile& lora, const std::string& name, float weight,
                          std::map<std::string, WeightDelta>& deltas) {
  for (const LoraFactor& factor : LoraFactors(lora, name, weight)) {
    const int64_t rows = factor.Rows(), rank = factor.Rank(), cols = factor.Cols();
    WeightDelta& delta = deltas[factor.target];
    if (delta.values.empty()) {
      delta.rows = rows;
      delta.cols = cols;
      delta.values.assign(static_cast<size_t>(rows * cols), 0.0f);
    } else if (delta.rows != rows || delta.cols != cols) {
      throw NativeError("MODEL_INVALID", name + ": " + factor.target + " is changed at " + std::to_string(rows) + "x" +
                                             std::to_string(cols) + " here and at another shape by another LoRA");
    }
    const std::vector<float> a = factor.down->ToFloats();
    const std::vector<float> b = factor.up->ToFloats();
    for (int64_t o = 0; o < rows; ++o) {
      float* out = delta.values.data() + o * cols;
      for (int64_t k = 0; k < rank; ++k) {
        const float scaled = factor.scale * b[o * rank + k];
        const float* row = a.data() + k * cols;
        for (int64_t i = 0; i < cols; ++i) out[i] += scaled * row[i];
      }
    }
  }
}

}  // namespace outpaint::flux
