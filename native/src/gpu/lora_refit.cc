#include "gpu/lora_refit.h"

#include <deque>
#include <map>
#include <memory>
#include <set>

#include "flux/lora_merge.h"
#include "flux/safetensors.h"
#include "gpu/cuda_check.h"
#include "gpu/engine_io.h"
#include "gpu/nvinfer_library.h"
#include "gpu/weight_merge.h"
#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

// Device memory the merged weights of one refit batch may take (the engine copies them in, so
// they are freed after each batch): a bf16 Linear weight of FLUX is at most 3072 x 15360.
constexpr size_t kBatchBytes = size_t{2} << 30;

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

class WeightNames {
 public:
  explicit WeightNames(const flux::SafeTensorsFile& base) {
    for (const auto& [model_name, value] : base.metadata()) {
      const bool transposed = value.size() > 2 && value.compare(value.size() - 2, 2, "|T") == 0;
      const EngineWeight where{transposed ? value.substr(0, value.size() - 2) : value, transposed};
      to_engine_[model_name] = where;
      to_model_[where.name] = model_name;
    }
  }
  EngineWeight Engine(const std::string& model_name) const {
    const auto it = to_engine_.find(model_name);
    return it == to_engine_.end() ? EngineWeight{model_name, false} : it->second;
  }
  std::string Model(const std::string& engine_name) const {
    const auto it = to_model_.find(engine_name);
    return it == to_model_.end() ? engine_name : it->second;
  }

 private:
  std::map<std::string, EngineWeight> to_engine_;
  std::map<std::string, std::string> to_model_;
};

std::vector<std::string> MissingWeights(nvinfer1::IRefitter& refitter) {
  std::vector<const char*> names(static_cast<size_t>(refitter.getMissingWeights(0, nullptr)));
  if (!names.empty()) refitter.getMissingWeights(static_cast<int32_t>(names.size()), names.data());
  return std::vector<std::string>(names.begin(), names.end());
}

// One refit of a batch of weights: merges each on the device, sets it, sets whatever TensorRT
// then reports missing, refits on the stream and waits, so the merged weights can go.
class RefitBatch {
 public:
  RefitBatch(FluxModel& model, flux::FluxEngine transformer, const flux::SafeTensorsFile& base, const std::string& base_file,
             const WeightNames& names, const std::map<std::string, std::vector<const flux::LoraFactor*>>& factors,
             WeightMerger& merger, cudaStream_t stream)
      : model_(model), base_(base), base_file_(base_file), names_(names), factors_(factors), merger_(merger), stream_(stream),
        refitter_(NvInferLibrary::Get().CreateRefitter(model.Engine(transformer), model.logger())) {
    if (!refitter_) throw NativeError("INTERNAL", "TensorRT could not create a refitter: " + model.logger().TakeLastError());
  }

  // Adds a model weight to the batch; returns the device bytes its merged values take.
  size_t Set(const std::string& model_name) {
    const EngineWeight where = names_.Engine(model_name);
    if (!set_.insert(where.name).second) return 0;
    const flux::SafeTensor* weights = base_.Find(where.name);
    if (weights == nullptr) {
      throw NativeError("MODEL_INVALID", "The transformer's refit needs " + model_name + " (engine weight " + where.name + "), which " +
                                             base_file_ + " does not hold: rebuild it with scripts/build-flux-engines.sh --refit");
    }
    const nvinfer1::Weights prototype = refitter_->getWeightsPrototype(where.name.c_str());
    if (prototype.count < 0) {
      throw NativeError("MODEL_INVALID", "The transformer engine has no refittable weight " + where.name + " (for " + model_name + ")");
    }
    if (prototype.count != static_cast<int64_t>(weights->Count())) {
      throw NativeError("MODEL_INVALID", "The transformer engine's weight " + where.name + " holds " + std::to_string(prototype.count) +
                                             " values, " + base_file_ + " " + std::to_string(weights->Count()));
    }
    const nvinfer1::DataType type = prototype.type;
    if (type != nvinfer1::DataType::kFLOAT && type != nvinfer1::DataType::kHALF && type != nvinfer1::DataType::kBF16) {
      throw NativeError("LORA_UNSUPPORTED", "The transformer engine stores " + where.name +
                                                " quantized (fp8 or int8), and LoRA deltas cannot be added to it: "
                                                "build a bf16 engine with --refit for LoRA tunes");
    }
    static const std::vector<const flux::LoraFactor*> kNone;
    const auto found = factors_.find(model_name);
    for (const flux::LoraFactor* factor : found == factors_.end() ? kNone : found->second) {
      if (factor->Rows() * factor->Cols() != prototype.count) {
        throw NativeError("MODEL_INVALID", "A LoRA changes " + model_name + " as a " + std::to_string(factor->Rows()) + "x" +
                                               std::to_string(factor->Cols()) + " weight, which it is not in this transformer");
      }
    }
    DeviceBuffer& out = merged_.emplace_back();
    merger_.Merge(*weights, found == factors_.end() ? kNone : found->second, where.transposed, ToElementType(type), out);
    if (!refitter_->setNamedWeights(where.name.c_str(), nvinfer1::Weights{type, out.data(), prototype.count},
                                    nvinfer1::TensorLocation::kDEVICE)) {
      throw NativeError("MODEL_INVALID", "TensorRT refused the weight " + where.name + ": " + model_.logger().TakeLastError());
    }
    return out.capacity();
  }

  void Refit() {
    // Weights TensorRT combined with set ones (fused layers) must be given too; setting them
    // may name more.
    for (std::vector<std::string> missing = MissingWeights(*refitter_); !missing.empty(); missing = MissingWeights(*refitter_)) {
      bool added = false;
      for (const std::string& name : missing) {
        if (set_.count(name) != 0) continue;
        Set(names_.Model(name));
        added = true;
      }
      if (!added) throw NativeError("INTERNAL", "TensorRT still misses weights after they were set: " + missing.front());
    }
    if (!refitter_->refitCudaEngineAsync(stream_)) {
      throw NativeError("INTERNAL", "Refitting the transformer failed: " + model_.logger().TakeLastError());
    }
    CudaCheck(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  }

 private:
  FluxModel& model_;
  const flux::SafeTensorsFile& base_;
  const std::string& base_file_;
  const WeightNames& names_;
  const std::map<std::string, std::vector<const flux::LoraFactor*>>& factors_;
  WeightMerger& merger_;
  cudaStream_t stream_;
  std::unique_ptr<nvinfer1::IRefitter> refitter_;
  std::set<std::string> set_;
  std::deque<DeviceBuffer> merged_;  // read by the refit; freed with the batch
};

}  // namespace

void LoraRefit::Apply(const std::vector<LoraRef>& loras, cudaStream_t stream) {
  if (applied_ && Same(loras, *applied_)) return;
  nvinfer1::ICudaEngine& engine = model_.Engine(transformer_);
  if (!engine.isRefittable()) {
    throw NativeError("LORA_UNSUPPORTED", "LoRA tunes need a refittable transformer engine, and " + model_.File(transformer_) +
                                              " was built without refit: rebuild it with scripts/build-flux-engines.sh --refit");
  }
  const std::string base_file = model_.RefitWeightsFile(transformer_);
  const flux::SafeTensorsFile base(base_file);
  const WeightNames names(base);

  std::deque<flux::SafeTensorsFile> files;  // the factors point into these
  std::map<std::string, std::vector<const flux::LoraFactor*>> factors;
  std::deque<flux::LoraFactor> all;
  for (const LoraRef& lora : loras) {
    for (flux::LoraFactor& factor : flux::LoraFactors(files.emplace_back(lora.path), lora.path, lora.weight)) {
      factors[factor.target].push_back(&all.emplace_back(std::move(factor)));
    }
  }
  // Weights the previous set changed go back to the base unless this set changes them too.
  std::set<std::string> targets(changed_.begin(), changed_.end());
  for (const auto& [name, list] : factors) targets.insert(name);

  // A failure part-way leaves some weights changed: what the engine holds is unknown from here.
  applied_.reset();
  changed_.assign(targets.begin(), targets.end());
  WeightMerger merger(stream);
  auto batch = std::make_unique<RefitBatch>(model_, transformer_, base, base_file, names, factors, merger, stream);
  size_t bytes = 0;
  for (const std::string& name : targets) {
    bytes += batch->Set(name);
    if (bytes >= kBatchBytes) {
      batch->Refit();
      batch = std::make_unique<RefitBatch>(model_, transformer_, base, base_file, names, factors, merger, stream);
      bytes = 0;
    }
  }
  batch->Refit();
  applied_ = loras;
  changed_.clear();
  for (const auto& [name, list] : factors) changed_.push_back(name);
}

}  // namespace outpaint::gpu
