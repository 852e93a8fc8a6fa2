#include "gpu/flux_model.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

#include "gpu/engine_contract.h"
#include "gpu/nvinfer_library.h"
#include "runtime/errors.h"

namespace outpaint::gpu {

const char* EngineRole(FluxEngineId id) {
  static const char* const kRoles[] = {"clip", "t5", "transformer", "vae_encoder", "vae_decoder"};
  return kRoles[static_cast<int>(id)];
}

std::string EngineFile(const std::string& model_dir, FluxEngineId id) {
  return model_dir + "/" + EngineRole(id) + ".plan";
}

FluxModel::FluxModel(const std::string& model_dir) : dir_(model_dir) {
  runtime_.reset(NvInferLibrary::Get().CreateRuntime(logger_));
  if (!runtime_) throw NativeError("BACKEND_UNAVAILABLE", "TensorRT could not create a runtime: " + logger_.TakeLastError());
  for (int i = 0; i < kFluxEngineCount; ++i) {
    const auto id = static_cast<FluxEngineId>(i);
    const std::string file = EngineFile(model_dir, id);
    std::ifstream in(file, std::ios::binary);
    if (!in) throw NativeError("MODEL_INVALID", "The " + std::string(EngineRole(id)) + " engine " + file + " cannot be read");
    const std::vector<char> blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    engines_[i].reset(runtime_->deserializeCudaEngine(blob.data(), blob.size()));
    if (!engines_[i]) {
      throw NativeError("MODEL_INVALID", "TensorRT " + NvInferLibrary::Get().version() + " could not load " + file + ": " +
                                             logger_.TakeLastError() +
                                             " (engines only load on the TensorRT version and GPU they were built for)");
    }
    CheckEngine(*engines_[i], FluxFillContracts()[i], file);
  }
}

FluxModel::~FluxModel() {
  for (auto& engine : engines_) engine.reset();  // engines before the runtime that made them
  runtime_.reset();
}

int64_t FluxModel::SharedScratchBytes() const {
  int64_t bytes = 0;
  for (const auto& engine : engines_) bytes = std::max(bytes, engine->getDeviceMemorySizeV2());
  return bytes;
}

}  // namespace outpaint::gpu
