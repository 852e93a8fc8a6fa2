#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace outpaint::gpu {

// Element types of engine inputs and outputs the pipeline converts to and from. Everything the
// sampler keeps (the latent x, the conditioning, sigmas) stays fp32.
enum class ElementType { kFloat, kHalf, kBFloat16 };

// The pipeline's CUDA kernels. Each has a CPU reference in native/src/flux (named alongside),
// and `npm run gpu:check` (native/tools/gpu_check.py) compares every one, in every element type
// it handles, with an independent PyTorch implementation of diffusers' formulas on a GPU. All are
// enqueued on `stream`; none synchronizes. Every launch is checked (cudaGetLastError): a failed
// launch throws NativeError CUDA_ERROR naming the kernel.

// Canvas RGB (8 bits, [H, W, 3]) to the VAE encoder's image [1, 3, H, W] in [-1, 1]. With a mask
// (fp32 [H, W], 1 = new content), masked pixels become 0 (FLUX Fill's masked image).
void LaunchImageToTensor(const uint8_t* rgb, const float* mask, int height, int width, void* out, ElementType type,
                         cudaStream_t stream);

// VAE encoder output [1, 16, h, w] to the normalized, packed fp32 latent [L, 64]
// (flux::NormalizeLatent then flux::PackLatents).
void LaunchPackLatents(const void* latent, ElementType type, int height, int width, float* packed, cudaStream_t stream);

// Binary fp32 mask [H, W] to packed mask channels [L, 256] (flux::MaskToLatentChannels, then
// flux::PackLatents with 64 channels).
void LaunchPackMask(const float* mask, int height, int width, float* packed, cudaStream_t stream);

// Transformer input [L, 384] = [x | masked-image latent | mask] (flux::ConcatFillInput).
void LaunchConcatFillInput(const float* x, const float* masked_latent, const float* mask, int tokens, void* hidden,
                           ElementType type, cudaStream_t stream);

// x += (sigmas[i + 1] - sigmas[i]) * v, sigmas read on the device (flux::EulerStep).
void LaunchEulerStep(float* x, const void* v, ElementType type, size_t count, const float* sigmas, int i,
                     cudaStream_t stream);

// x = sigma * noise + (1 - sigma) * x0 with sigma = sigmas[i] (flux::BlendNoise).
void LaunchBlendNoise(float* x, const float* noise, const float* x0, size_t count, const float* sigmas, int i,
                      cudaStream_t stream);

// Packed latent [L, 64] to the VAE decoder's input [1, 16, h, w], denormalized
// (flux::UnpackLatents then flux::DenormalizeLatent).
void LaunchUnpackLatents(const float* packed, int height, int width, void* latent, ElementType type, cudaStream_t stream);

// VAE decoder output [1, 3, H, W] in [-1, 1] to RGB 8 bits [H, W, 3].
void LaunchTensorToImage(const void* image, ElementType type, int height, int width, uint8_t* rgb, cudaStream_t stream);

// Element-wise type conversion (rounding to nearest even, as torch's Tensor.to), for sigmas,
// ids, embeddings and LoRA-merged weights whose types differ from the pipeline's fp32 or from
// the engine that produced them.
void LaunchConvert(const void* source, ElementType source_type, void* target, ElementType target_type, size_t count,
                   cudaStream_t stream);

// Latent preview RGB [h, w, 3] (flux::PreviewLatents).
void LaunchLatentPreview(const float* packed, int height, int width, uint8_t* rgb, cudaStream_t stream);

}  // namespace outpaint::gpu
