#pragma once

#include <NvInferRuntime.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "flux/engine_contract.h"
#include "gpu/trt_logger.h"

namespace outpaint::gpu {

using flux::FluxEngine;

// The model directories' files. FLUX.1 Fill [dev]: <fill_dir>/<role>.plan for clip, t5,
// transformer, vae_encoder and vae_decoder; FLUX.1 [dev]'s transformer, for text to image, is
// flux1-dev/transformer.plan beside <fill_dir> (it shares Fill's text encoders and VAE).
// transformer.refit.safetensors beside a transformer's plan holds its base weights for LoRA
// refits. The tokenizer files are the TypeScript layer's.
std::string DevModelDir(const std::string& fill_dir);
std::string EngineFile(const std::string& fill_dir, FluxEngine engine);
bool FileExists(const std::string& path);
int64_t FileSize(const std::string& path);  // 0 when it cannot be read

// The weights: a TensorRT runtime and the deserialized engines, loaded once per process and
// kept, each checked against its contract (flux/engine_contract.h). Execution contexts and
// buffers are per worker (FluxSession).
class FluxModel {
 public:
  // Called with the bytes read since the last call while plans load; may throw (a
  // cancellation), which stops the load.
  using OnBytes = std::function<void(int64_t bytes)>;

  // Loads and checks the five FLUX.1 Fill engines (not FLUX.1 [dev]'s transformer: Load). Throws
  // NativeError MODEL_INVALID, BACKEND_UNAVAILABLE, OUT_OF_MEMORY or CANCELLED; what was loaded
  // before a failure is freed with the half-made model.
  FluxModel(const std::string& fill_dir, const OnBytes& on_bytes);
  ~FluxModel();
  FluxModel(const FluxModel&) = delete;
  FluxModel& operator=(const FluxModel&) = delete;

  // The plan bytes still to read before `engine` can run: 0 once loaded.
  int64_t BytesToLoad(FluxEngine engine) const;
  // Loads one more engine (FLUX.1 [dev]'s transformer) if it is not loaded yet.
  void Load(FluxEngine engine, const OnBytes& on_bytes);
  bool Loaded(FluxEngine engine) const { return engines_[static_cast<int>(engine)] != nullptr; }

  nvinfer1::ICudaEngine& Engine(FluxEngine engine) const;
  // Outputs the pipeline does not read, bound to scratch memory on every run.
  const std::vector<std::string>& ExtraOutputs(FluxEngine engine) const { return extras_[static_cast<int>(engine)]; }
  std::string File(FluxEngine engine) const { return EngineFile(fill_dir_, engine); }
  std::string RefitWeightsFile(FluxEngine transformer) const;
  TrtLogger& logger() { return logger_; }

 private:
  std::unique_ptr<nvinfer1::ICudaEngine> Deserialize(FluxEngine engine, const OnBytes& on_bytes);

  std::string fill_dir_;
  TrtLogger logger_;
  // Declared before the engines, so it is destroyed after them, as TensorRT requires.
  std::unique_ptr<nvinfer1::IRuntime> runtime_;
  std::array<std::unique_ptr<nvinfer1::ICudaEngine>, flux::kFluxEngineCount> engines_;
  std::array<std::vector<std::string>, flux::kFluxEngineCount> extras_;
};

// The five engines FLUX.1 Fill runs, in load order.
constexpr std::array<FluxEngine, 5> kFillEngines = {FluxEngine::kClip, FluxEngine::kT5, FluxEngine::kFillTransformer,
                                                    FluxEngine::kVaeEncoder, FluxEngine::kVaeDecoder};

}  // namespace outpaint::gpu
