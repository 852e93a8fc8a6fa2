#include "gpu/lora_refit.h"

#include <algorithm>
#include <map>
#include <cstring>
#include <set>

#include "flux/lora_merge.h"
#include "flux/safetensors.h"
#include "gpu/nvinfer_library.h"
#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

bool Same(const std::vector<LoraRef>& a, const std::vector<LoraRef>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].path != b[i].path || a[i].weight != b[i].weight) return false;
  }
  return true;
}

// Where a model weight lives in the engine: transformer.refit.safetensors' metadata maps the
// model's name ("<module>.weight") to the engine's ("<name>", or "<name>|T" when the exporter
// stored the weight transposed, [in, out]); without an entry the names are the same.
struct EngineWeight {
  std::string name;
  bool transposed = false;
};

EngineWeight Locate(const flux::SafeTensorsFile& base, const std::string& model_name) {
  const auto it = base.metadata().find(model_name);
  if (it == base.metadata().end()) return {model_name, false};
  const std::string& value = it->second;
  if (value.size() > 2 && value.compare(value.size() - 2, 2, "|T") == 0) return {value.substr(0, value.size() - 2), true};
  return {value, false};
}

// base + delta in the base's own element type, as the refitter wants the engine's weights.
std::vector<uint8_t> Merged(const flux::SafeTensor& base, const flux::WeightDelta* delta, bool transposed, nvinfer1::DataType& type) {
  std::vector<float> values = base.ToFloats();
  if (delta != nullptr) {
    for (int64_t o = 0; o < delta->rows; ++o) {
      for (int64_t i = 0; i < delta->cols; ++i) {
        const size_t at = static_cast<size_t>(transposed ? i * delta->rows + o : o * delta->cols + i);
        values[at] += delta->values[static_cast<size_t>(o * delta->cols + i)];
      }
    }
  }
  std::vector<uint8_t> out;
  if (base.dtype == "F32") {
    type = nvinfer1::DataType::kFLOAT;
    out.resize(values.size() * 4);
    std::memcpy(out.data(), values.data(), out.size());
    return out;
  }
  type = base.dtype == "F16" ? nvinfer1::DataType::kHALF : nvinfer1::DataType::kBF16;
  out.resize(values.size() * 2);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint16_t half = base.dtype == "F16" ? flux::FloatToHalf(values[i]) : flux::FloatToBFloat16(values[i]);
    std::memcpy(out.data() + i * 2, &half, 2);
  }
  return out;
}

}  // namespace

void LoraRefit::Apply(const std::vector<LoraRef>& loras) {
  if (Same(loras, applied_)) return;
  nvinfer1::ICudaEngine& engine = model_.Engine(FluxEngineId::kTransformer);
  const std::string engine_file = EngineFile(model_.dir(), FluxEngineId::kTransformer);
  if (!engine.isRefittable()) {
    throw NativeError("LORA_UNSUPPORTED", "LoRA tunes need a refittable transformer engine, and " + engine_file +
                                              " was built without refit: rebuild it with scripts/build-flux-engines.sh --refit");
  }
  const std::string base_file = model_.dir() + "/transformer.refit.safetensors";
  const flux::SafeTensorsFile base(base_file);

  std::map<std::string, flux::WeightDelta> deltas;
  for (const LoraRef& lora : loras) {
    flux::AccumulateLoraDeltas(flux::SafeTensorsFile(lora.path), lora.path, lora.weight, deltas);
  }
  std::set<std::string> targets(changed_.begin(), changed_.end());
  for (const auto& [name, delta] : deltas) targets.insert(name);

  std::unique_ptr<nvinfer1::IRefitter> refitter(NvInferLibrary::Get().CreateRefitter(engine, model_.logger()));
  if (!refitter) throw NativeError("INTERNAL", "TensorRT could not create a refitter: " + model_.logger().TakeLastError());
  std::vector<std::vector<uint8_t>> keep;  // the refitter reads the weights when it refits
  for (const std::string& name : targets) {
    const EngineWeight where = Locate(base, name);
    const flux::SafeTensor* weights = base.Find(where.name);
    if (weights == nullptr) {
      throw NativeError("MODEL_INVALID", "A LoRA changes " + name + ", which " + base_file + " does not hold");
    }
    const auto delta = deltas.find(name);
    if (delta != deltas.end() && delta->second.values.size() != weights->Count()) {
      throw NativeError("MODEL_INVALID", "A LoRA's delta for " + name + " does not match the base weight's shape");
    }
    nvinfer1::DataType type;
    keep.push_back(Merged(*weights, delta == deltas.end() ? nullptr : &delta->second, where.transposed, type));
    const nvinfer1::Weights values{type, keep.back().data(), static_cast<int64_t>(weights->Count())};
    if (!refitter->setNamedWeights(where.name.c_str(), values)) {
      throw NativeError("MODEL_INVALID", "The transformer engine has no refittable weight " + where.name + " (for " + name +
                                             "): " + model_.logger().TakeLastError());
    }
  }
  if (!refitter->refitCudaEngine()) {
    throw NativeError("INTERNAL", "Refitting the transformer failed: " + model_.logger().TakeLastError());
  }
  applied_ = loras;
  changed_.clear();
  for (const auto& [name, delta] : deltas) changed_.push_back(name);
}

}  // namespace outpaint::gpu
