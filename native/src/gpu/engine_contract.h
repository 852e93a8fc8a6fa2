#pragma once

#include <NvInferRuntime.h>

#include <string>
#include <vector>

#include "gpu/flux_kernels.h"

namespace outpaint::gpu {

// What the pipeline expects of one engine's tensor: its name, direction, element types it can
// handle and rank; fixed sizes where the model fixes them (-1: any).
struct TensorContract {
  const char* name;
  bool input;
  std::vector<nvinfer1::DataType> types;
  std::vector<int64_t> dims;
};

struct EngineContract {
  const char* role;  // clip, t5, transformer, vae_encoder, vae_decoder
  std::vector<TensorContract> tensors;
};

// The five engines of FLUX.1 Fill [dev] as NVIDIA's TensorRT diffusion demo exports them
// (docs/gpu.md lists them). L is the number of image tokens, h x w the latent size.
const std::vector<EngineContract>& FluxFillContracts();

// Checks an engine against its contract; throws NativeError MODEL_INVALID naming what differs
// and listing every tensor the engine has (name, direction, type, shape).
void CheckEngine(const nvinfer1::ICudaEngine& engine, const EngineContract& contract, const std::string& file);

ElementType ToElementType(nvinfer1::DataType type);
// "[1, 4096, 384]"; -1 for a dynamic size.
std::string DimsText(const nvinfer1::Dims& dims);
size_t ElementSize(nvinfer1::DataType type);

}  // namespace outpaint::gpu
