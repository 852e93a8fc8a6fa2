#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace outpaint::flux {

// What the FLUX pipeline expects of each TensorRT engine's inputs and outputs, checked when an
// engine is loaded. Kept apart from TensorRT (gpu/engine_io.h describes a loaded engine in these
// terms), so the rules are tested on any machine.

enum class FluxEngine { kClip, kT5, kFillTransformer, kVaeEncoder, kVaeDecoder, kDevTransformer };
constexpr int kFluxEngineCount = 6;

// clip, t5, transformer, vae_encoder, vae_decoder: the file <role>.plan in the model directory
// (FLUX.1 [dev]'s transformer is transformer.plan in its own directory, engine_files.h).
const char* EngineRole(FluxEngine engine);
// "CLIP text encoder", "FLUX.1 Fill transformer", ...: for messages.
const char* EngineTitle(FluxEngine engine);

enum class TensorType { kFloat32, kFloat16, kBFloat16, kInt32, kInt64, kInt8, kUInt8, kBool, kFp8, kOther };
const char* TensorTypeName(TensorType type);

// One input or output of a loaded engine; -1 in dims for a size its profiles let vary.
struct EngineTensor {
  std::string name;
  bool input = false;
  TensorType type = TensorType::kFloat32;
  std::vector<int64_t> dims;
};

// One tensor the pipeline feeds or reads: element types it converts from or to, and its rank,
// with fixed sizes where the model fixes them (-1: any).
struct TensorContract {
  const char* name;
  bool input;
  std::vector<TensorType> types;
  std::vector<int64_t> dims;
};

// The tensors of one engine as NVIDIA's TensorRT diffusion demo names FLUX.1 [dev]'s, and as
// scripts/export_flux_onnx.py names them for FLUX.1 Fill [dev] (docs/gpu.md lists them).
const std::vector<TensorContract>& ContractOf(FluxEngine engine);

// Checks a loaded engine's tensors against its contract. Every contract tensor must be there
// with a matching direction, type and shape, and the engine may have no other inputs (the
// pipeline would have nothing to feed them); other outputs are allowed (NVIDIA's CLIP export
// also returns text_embeddings) and returned, by name, for the pipeline to bind to scratch
// memory, since TensorRT runs an engine only when every tensor has an address. Throws
// NativeError MODEL_INVALID naming what differs and listing every tensor the engine has.
std::vector<std::string> CheckEngine(const std::vector<EngineTensor>& tensors, FluxEngine engine, const std::string& file);

// "[1, 4096, 384]"; -1 for a size that varies.
std::string DimsText(const std::vector<int64_t>& dims);

}  // namespace outpaint::flux
