#pragma once

#include <NvInferRuntime.h>

#include <array>
#include <memory>
#include <string>

#include "gpu/trt_logger.h"

namespace outpaint::gpu {

enum class FluxEngineId { kClip, kT5, kTransformer, kVaeEncoder, kVaeDecoder };
constexpr int kFluxEngineCount = 5;

// The model directory's files: <dir>/<role>.plan for clip, t5, transformer, vae_encoder,
// vae_decoder (serialized TensorRT engines), plus tokenizer files the TypeScript layer reads.
std::string EngineFile(const std::string& model_dir, FluxEngineId id);
const char* EngineRole(FluxEngineId id);

// The weights: a TensorRT runtime and the five deserialized engines, loaded once per process
// and kept; checked against the pipeline's tensor contracts. Execution contexts and buffers
// are per worker (FluxSession).
class FluxModel {
 public:
  // Reads and checks every engine. Throws NativeError MODEL_INVALID / BACKEND_UNAVAILABLE.
  explicit FluxModel(const std::string& model_dir);
  ~FluxModel();
  FluxModel(const FluxModel&) = delete;
  FluxModel& operator=(const FluxModel&) = delete;

  nvinfer1::ICudaEngine& Engine(FluxEngineId id) const { return *engines_[static_cast<int>(id)]; }
  // The most scratch memory any engine needs: one allocation serves them all, as they run one
  // after another on one stream.
  int64_t SharedScratchBytes() const;
  const std::string& dir() const { return dir_; }
  TrtLogger& logger() { return logger_; }

 private:
  std::string dir_;
  TrtLogger logger_;
  std::unique_ptr<nvinfer1::IRuntime> runtime_;
  std::array<std::unique_ptr<nvinfer1::ICudaEngine>, kFluxEngineCount> engines_;
};

}  // namespace outpaint::gpu
