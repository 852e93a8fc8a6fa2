#include "gpu/engine_contract.h"

#include <sstream>

#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

using nvinfer1::DataType;
const std::vector<DataType> kFloats = {DataType::kFLOAT, DataType::kHALF, DataType::kBF16};
const std::vector<DataType> kFp32 = {DataType::kFLOAT};
const std::vector<DataType> kIds = {DataType::kINT32, DataType::kINT64};

const char* TypeName(DataType type) {
  switch (type) {
    case DataType::kFLOAT: return "fp32";
    case DataType::kHALF: return "fp16";
    case DataType::kBF16: return "bf16";
    case DataType::kINT8: return "int8";
    case DataType::kINT32: return "int32";
    case DataType::kINT64: return "int64";
    case DataType::kBOOL: return "bool";
    case DataType::kUINT8: return "uint8";
    case DataType::kFP8: return "fp8";
    default: return "other";
  }
}

std::string Found(const nvinfer1::ICudaEngine& engine) {
  std::ostringstream out;
  for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
    const char* name = engine.getIOTensorName(i);
    out << (i ? "; " : "") << name << " ("
        << (engine.getTensorIOMode(name) == nvinfer1::TensorIOMode::kINPUT ? "input" : "output") << ", "
        << TypeName(engine.getTensorDataType(name)) << ", " << DimsText(engine.getTensorShape(name)) << ")";
  }
  return out.str();
}

}  // namespace

const std::vector<EngineContract>& FluxFillContracts() {
  static const std::vector<EngineContract> contracts = {
      {"clip", {{"input_ids", true, kIds, {-1, 77}}, {"pooled_embeddings", false, kFloats, {-1, 768}}}},
      {"t5", {{"input_ids", true, kIds, {-1, 512}}, {"text_embeddings", false, kFloats, {-1, 512, 4096}}}},
      {"transformer",
       {{"hidden_states", true, kFloats, {-1, -1, 384}},
        {"encoder_hidden_states", true, kFloats, {-1, 512, 4096}},
        {"pooled_projections", true, kFloats, {-1, 768}},
        {"timestep", true, kFloats, {-1}},
        {"img_ids", true, kFloats, {-1, 3}},
        {"txt_ids", true, kFloats, {512, 3}},
        {"guidance", true, kFloats, {-1}},
        {"latent", false, kFloats, {-1, -1, 64}}}},
      {"vae_encoder", {{"images", true, kFloats, {-1, 3, -1, -1}}, {"latent", false, kFloats, {-1, 16, -1, -1}}}},
      {"vae_decoder", {{"latent", true, kFloats, {-1, 16, -1, -1}}, {"images", false, kFloats, {-1, 3, -1, -1}}}},
  };
  return contracts;
}

void CheckEngine(const nvinfer1::ICudaEngine& engine, const EngineContract& contract, const std::string& file) {
  std::vector<std::string> problems;
  for (const TensorContract& tensor : contract.tensors) {
    bool present = false;
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) present = present || std::string(engine.getIOTensorName(i)) == tensor.name;
    if (!present) {
      problems.push_back(std::string("no tensor ") + tensor.name);
      continue;
    }
    const bool input = engine.getTensorIOMode(tensor.name) == nvinfer1::TensorIOMode::kINPUT;
    if (input != tensor.input) problems.push_back(std::string(tensor.name) + " should be an " + (tensor.input ? "input" : "output"));
    const DataType type = engine.getTensorDataType(tensor.name);
    bool type_ok = false;
    for (DataType allowed : tensor.types) type_ok = type_ok || allowed == type;
    if (!type_ok) problems.push_back(std::string(tensor.name) + " has type " + TypeName(type));
    const nvinfer1::Dims dims = engine.getTensorShape(tensor.name);
    bool dims_ok = dims.nbDims == static_cast<int32_t>(tensor.dims.size());
    for (int i = 0; dims_ok && i < dims.nbDims; ++i) dims_ok = tensor.dims[i] < 0 || dims.d[i] < 0 || dims.d[i] == tensor.dims[i];
    if (!dims_ok) problems.push_back(std::string(tensor.name) + " has shape " + DimsText(dims));
  }
  if (problems.empty()) return;
  std::ostringstream message;
  message << "The " << contract.role << " engine " << file << " does not match FLUX.1 Fill: ";
  for (size_t i = 0; i < problems.size(); ++i) message << (i ? ", " : "") << problems[i];
  message << ". Found: " << Found(engine) << ". Rebuild it with scripts/build-flux-engines.sh (docs/gpu.md).";
  throw NativeError("MODEL_INVALID", message.str());
}

std::string DimsText(const nvinfer1::Dims& dims) {
  std::ostringstream out;
  out << "[";
  for (int i = 0; i < dims.nbDims; ++i) out << (i ? ", " : "") << dims.d[i];
  out << "]";
  return out.str();
}

ElementType ToElementType(nvinfer1::DataType type) {
  if (type == nvinfer1::DataType::kHALF) return ElementType::kHalf;
  if (type == nvinfer1::DataType::kBF16) return ElementType::kBFloat16;
  return ElementType::kFloat;
}

size_t ElementSize(nvinfer1::DataType type) {
  switch (type) {
    case nvinfer1::DataType::kHALF:
    case nvinfer1::DataType::kBF16: return 2;
    case nvinfer1::DataType::kINT64: return 8;
    case nvinfer1::DataType::kINT8:
    case nvinfer1::DataType::kUINT8:
    case nvinfer1::DataType::kBOOL:
    case nvinfer1::DataType::kFP8: return 1;
    default: return 4;
  }
}

}  // namespace outpaint::gpu
