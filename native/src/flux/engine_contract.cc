#include "flux/engine_contract.h"

#include <algorithm>
#include <sstream>

#include "runtime/errors.h"

namespace outpaint::flux {
namespace {

using T = TensorType;
const std::vector<T> kFloats = {T::kFloat32, T::kFloat16, T::kBFloat16};
const std::vector<T> kIds = {T::kInt32, T::kInt64};

// The transformer of FLUX.1 Fill [dev] (in_channels 384) or FLUX.1 [dev] (64).
std::vector<TensorContract> Transformer(int64_t in_channels) {
  return {{"hidden_states", true, kFloats, {-1, -1, in_channels}},
          {"encoder_hidden_states", true, kFloats, {-1, 512, 4096}},
          {"pooled_projections", true, kFloats, {-1, 768}},
          {"timestep", true, kFloats, {-1}},
          {"img_ids", true, kFloats, {-1, 3}},
          {"txt_ids", true, kFloats, {512, 3}},
          {"guidance", true, kFloats, {-1}},
          {"latent", false, kFloats, {-1, -1, 64}}};
}

std::string Listing(const std::vector<EngineTensor>& tensors) {
  std::ostringstream out;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const EngineTensor& t = tensors[i];
    out << (i ? "; " : "") << t.name << " (" << (t.input ? "input" : "output") << ", " << TensorTypeName(t.type) << ", "
        << DimsText(t.dims) << ")";
  }
  return out.str();
}

}  // namespace

const char* EngineRole(FluxEngine engine) {
  static const char* const kRoles[] = {"clip", "t5", "transformer", "vae_encoder", "vae_decoder", "transformer"};
  return kRoles[static_cast<int>(engine)];
}

const char* EngineTitle(FluxEngine engine) {
  static const char* const kTitles[] = {"CLIP text encoder",  "T5 text encoder", "FLUX.1 Fill transformer",
                                        "VAE encoder",        "VAE decoder",     "FLUX.1 [dev] transformer"};
  return kTitles[static_cast<int>(engine)];
}

const char* TensorTypeName(TensorType type) {
  static const char* const kNames[] = {"fp32", "fp16", "bf16", "int32", "int64", "int8", "uint8", "bool", "fp8", "other"};
  return kNames[static_cast<int>(type)];
}

const std::vector<TensorContract>& ContractOf(FluxEngine engine) {
  static const std::vector<std::vector<TensorContract>> contracts = {
      {{"input_ids", true, kIds, {-1, 77}}, {"pooled_embeddings", false, kFloats, {-1, 768}}},
      {{"input_ids", true, kIds, {-1, 512}}, {"text_embeddings", false, kFloats, {-1, 512, 4096}}},
      Transformer(384),
      {{"images", true, kFloats, {-1, 3, -1, -1}}, {"latent", false, kFloats, {-1, 16, -1, -1}}},
      {{"latent", true, kFloats, {-1, 16, -1, -1}}, {"images", false, kFloats, {-1, 3, -1, -1}}},
      Transformer(64),
  };
  return contracts[static_cast<size_t>(engine)];
}

std::vector<std::string> CheckEngine(const std::vector<EngineTensor>& tensors, FluxEngine engine, const std::string& file) {
  const std::vector<TensorContract>& contract = ContractOf(engine);
  std::vector<std::string> problems;
  for (const TensorContract& expected : contract) {
    const auto found = std::find_if(tensors.begin(), tensors.end(), [&](const EngineTensor& t) { return t.name == expected.name; });
    if (found == tensors.end()) {
      problems.push_back(std::string("no tensor ") + expected.name);
      continue;
    }
    if (found->input != expected.input) problems.push_back(found->name + " should be an " + (expected.input ? "input" : "output"));
    if (std::find(expected.types.begin(), expected.types.end(), found->type) == expected.types.end()) {
      problems.push_back(found->name + " has type " + TensorTypeName(found->type));
    }
    bool dims_ok = found->dims.size() == expected.dims.size();
    for (size_t i = 0; dims_ok && i < found->dims.size(); ++i) {
      dims_ok = expected.dims[i] < 0 || found->dims[i] < 0 || found->dims[i] == expected.dims[i];
    }
    if (!dims_ok) problems.push_back(found->name + " has shape " + DimsText(found->dims));
  }
  std::vector<std::string> extra_outputs;
  for (const EngineTensor& tensor : tensors) {
    const bool known = std::any_of(contract.begin(), contract.end(), [&](const TensorContract& c) { return tensor.name == c.name; });
    if (known) continue;
    if (tensor.input) {
      problems.push_back("an input the pipeline does not feed: " + tensor.name);
    } else {
      extra_outputs.push_back(tensor.name);
    }
  }
  if (problems.empty()) return extra_outputs;
  std::ostringstream message;
  message << "The " << EngineTitle(engine) << " engine " << file << " does not match what the pipeline expects: ";
  for (size_t i = 0; i < problems.size(); ++i) message << (i ? ", " : "") << problems[i];
  message << ". Found: " << Listing(tensors) << ". Rebuild it with scripts/build-flux-engines.sh (docs/gpu.md).";
  throw NativeError("MODEL_INVALID", message.str());
}

std::string DimsText(const std::vector<int64_t>& dims) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < dims.size(); ++i) out << (i ? ", " : "") << dims[i];
  out << "]";
  return out.str();
}

}  // namespace outpaint::flux
