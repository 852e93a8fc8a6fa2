#pragma once

#include <string>
#include <vector>

#include "backends/outpaint_backend.h"
#include "flux/latent_layout.h"
#include "gpu/flux_gpu.h"
#include "pipeline/denoiser.h"

namespace outpaint::gpu {

// FLUX on TensorRT as the pipeline frame's denoiser (docs/gpu.md, "The pipeline"), in four parts:
// prepare (load what is missing, LoRAs, the canvas and mask on the device), encode (text; the
// Fill conditioning; the starting latent), denoise (the Euler loop on one CUDA stream, no host
// round trip between steps) and decode. One object per run.
//
// The transformer is FLUX.1 Fill [dev] (in_channels 384: the latent, the masked image's latent
// and the mask; diffusers' FluxFillPipeline) or FLUX.1 [dev] (in_channels 64: the latent alone;
// FluxPipeline and FluxImg2ImgPipeline). Both share the schedule, packing, ids, text encoders,
// VAE and guidance input.
class FluxDenoiser final : public Denoiser {
 public:
  // `stage`: the name the denoising steps report under (DENOISING, or TXT2IMG for generation).
  // Throws NativeError INVALID_ARGUMENT without the token ids.
  FluxDenoiser(FluxGpu& gpu, const DenoiseParams& params, FluxEngine transformer, const char* stage);

  bool StartsFromCanvas() const override { return first_step_ > 0; }
  int StepCount() const override;
  Image Denoise(const Image& rgb, const Mask& mask, uint64_t seed, StepReporter& reporter) override;

 private:
  // Prepare.
  void Load(StepReporter& reporter);
  void Upload(const Image& rgb, const Mask& mask);
  // Encode.
  void EncodeText();
  void EncodeFillCondition();
  void StartLatent(uint64_t seed);
  void EncodeImage(const float* mask, float* packed);
  // Denoise.
  void Loop(StepReporter& reporter, int canvas_width, int canvas_height);
  // Decode.
  Image Decode(int canvas_width, int canvas_height);

  FluxGpu& gpu_;
  const DenoiseParams& params_;
  const FluxEngine transformer_;
  const char* const stage_;
  const int first_step_;
  const int64_t load_bytes_;

  // The run's arrays on the device (session scratch) and sizes, padded to multiples of 16.
  int width_ = 0, height_ = 0;
  flux::LatentGrid grid_;
  uint8_t* rgb_ = nullptr;
  float* mask_ = nullptr;
  float* cond_latent_ = nullptr;  // Fill: the masked image's packed latent [L, 64]
  float* cond_mask_ = nullptr;    // Fill: the packed mask [L, 256]
  float* x_ = nullptr;            // the latent being denoised [L, 64], fp32
  float* sigmas_ = nullptr;       // N + 1 sigmas
};

}  // namespace outpaint::gpu
