#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/image.h"
#include "pipeline/generate.h"
#include "pipeline/outpaint_pipeline.h"
#include "runtime/progress.h"

namespace outpaint {

// A LoRA to apply for one run: its safetensors file and scale (the TypeScript layer resolves
// `<lora:ID:weight>` to the tune's file).
struct LoraRef {
  std::string path;
  float weight = 1.0f;
};

// What a denoising backend needs beyond the outpaint itself; the CPU fill ignores it.
struct DenoiseParams {
  std::vector<int32_t> t5_tokens;    // 512 ids, padded by the tokenizer
  std::vector<int32_t> clip_tokens;  // 77 ids, padded by the tokenizer
  int steps = 50;
  float guidance = 30.0f;
  double strength = 1.0;  // < 1: start from the pre-filled canvas (image-to-image)
  int preview_every = 5;  // steps between previews; 0: none
  std::vector<LoraRef> loras;
};

struct BackendRequest {
  OutpaintParams outpaint;
  DenoiseParams denoise;
};

struct GenerateRequest {
  GenerateParams generate;
  DenoiseParams denoise;  // strength 1 without an init
};

struct GenerateResult {
  Image image;              // 3 channels
  std::string transformer;  // the model that made it: "FLUX.1-dev" or "FLUX.1-Fill-dev"
};

// One way of producing an outpaint. Every backend keeps the same contract: progress through
// the sink at every step, previews where it has them, NativeError("CANCELLED") within one step
// of the sink asking to stop, and original pixels outside the feather band returned bit-exact
// (all of it the pipeline frame's, outpaint_pipeline.h). Backends live as long as their engine
// and may hold weights; per-run state stays in Run and Generate.
class OutpaintBackend {
 public:
  virtual ~OutpaintBackend() = default;
  virtual Image Run(const BackendRequest& request, ProgressSink& sink) = 0;
  // A whole image from text or from an image (generate.h). Throws NativeError INVALID_ARGUMENT
  // on backends that cannot.
  virtual GenerateResult Generate(const GenerateRequest& request, ProgressSink& sink) = 0;
};

}  // namespace outpaint
