#include "gpu/flux_kernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "flux/latent_layout.h"
#include "flux/latent_preview.h"
#include "gpu/cuda_check.h"

namespace outpaint::gpu {
namespace {

constexpr int kThreads = 256;

__constant__ float kFactors[16][3];
__constant__ float kBias[3];

inline unsigned Blocks(size_t count) { return static_cast<unsigned>((count + kThreads - 1) / kThreads); }

// A launch fails without a word (a bad configuration, no kernel image for this GPU) until asked.
void CheckLaunch(const char* kernel) { CudaCheck(cudaGetLastError(), kernel); }

__device__ inline float Load(const float* p, size_t i) { return p[i]; }
__device__ inline float Load(const __half* p, size_t i) { return __half2float(p[i]); }
__device__ inline float Load(const __nv_bfloat16* p, size_t i) { return __bfloat162float(p[i]); }
__device__ inline void Store(float* p, size_t i, float v) { p[i] = v; }
__device__ inline void Store(__half* p, size_t i, float v) { p[i] = __float2half_rn(v); }
__device__ inline void Store(__nv_bfloat16* p, size_t i, float v) { p[i] = __float2bfloat16_rn(v); }

// Calls f with a pointer of the element type's C++ type.
template <typename F>
void WithType(ElementType type, void* p, F f) {
  switch (type) {
    case ElementType::kFloat: f(static_cast<float*>(p)); break;
    case ElementType::kHalf: f(static_cast<__half*>(p)); break;
    case ElementType::kBFloat16: f(static_cast<__nv_bfloat16*>(p)); break;
  }
}

template <typename T>
__global__ void ImageToTensor(const uint8_t* rgb, const float* mask, int height, int width, T* out) {
  const size_t pixels = static_cast<size_t>(height) * width;
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= pixels) return;
  const bool masked = mask != nullptr && mask[i] > 0.5f;
  for (int c = 0; c < 3; ++c) Store(out, c * pixels + i, masked ? 0.0f : rgb[i * 3 + c] / 127.5f - 1.0f);
}

// One thread per latent value [c][y][x], written to its packed place.
template <typename T>
__global__ void PackLatents(const T* latent, int channels, int height, int width, bool normalize, float* packed) {
  const size_t count = static_cast<size_t>(channels) * height * width;
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  const int x = i % width;
  const int y = (i / width) % height;
  const int c = i / (static_cast<size_t>(width) * height);
  float value = Load(latent, i);
  if (normalize) value = (value - flux::kVaeShift) * flux::kVaeScale;
  const size_t token = static_cast<size_t>(y / 2) * (width / 2) + x / 2;
  packed[token * (channels * 4) + c * 4 + 2 * (y % 2) + x % 2] = value;
}

// One thread per full-resolution mask pixel: space to depth (channel dy*8 + dx at [y/8][x/8]),
// then the 2x2 packing of those 64 channels.
__global__ void PackMask(const float* mask, int height, int width, float* packed) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<size_t>(height) * width) return;
  const int x = i % width;
  const int y = i / width;
  const int channel = (y % 8) * 8 + x % 8;
  const int ly = y / 8;
  const int lx = x / 8;
  const size_t token = static_cast<size_t>(ly / 2) * (width / 16) + lx / 2;
  packed[token * 256 + channel * 4 + 2 * (ly % 2) + lx % 2] = mask[i];
}

template <typename T>
__global__ void ConcatFillInput(const float* x, const float* masked_latent, const float* mask, int tokens, T* hidden) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<size_t>(tokens) * 384) return;
  const size_t t = i / 384;
  const int k = i % 384;
  const float value = k < 64 ? x[t * 64 + k] : k < 128 ? masked_latent[t * 64 + k - 64] : mask[t * 256 + k - 128];
  Store(hidden, i, value);
}

template <typename T>
__global__ void EulerStep(float* x, const T* v, size_t count, const float* sigmas, int step) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  x[i] += (sigmas[step + 1] - sigmas[step]) * Load(v, i);
}

__global__ void BlendNoise(float* x, const float* noise, const float* x0, size_t count, const float* sigmas, int step) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  const float sigma = sigmas[step];
  x[i] = sigma * noise[i] + (1.0f - sigma) * x0[i];
}

template <typename T>
__global__ void UnpackLatents(const float* packed, int height, int width, T* latent) {
  const size_t count = static_cast<size_t>(16) * height * width;
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  const int x = i % width;
  const int y = (i / width) % height;
  const int c = i / (static_cast<size_t>(width) * height);
  const size_t token = static_cast<size_t>(y / 2) * (width / 2) + x / 2;
  Store(latent, i, packed[token * 64 + c * 4 + 2 * (y % 2) + x % 2] / flux::kVaeScale + flux::kVaeShift);
}

template <typename T>
__global__ void TensorToImage(const T* image, int height, int width, uint8_t* rgb) {
  const size_t pixels = static_cast<size_t>(height) * width;
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= pixels) return;
  for (int c = 0; c < 3; ++c) {
    const float unit = fminf(fmaxf((Load(image, c * pixels + i) + 1.0f) * 0.5f, 0.0f), 1.0f);
    rgb[i * 3 + c] = static_cast<uint8_t>(lrintf(unit * 255.0f));
  }
}

template <typename S, typename T>
__global__ void Convert(const S* source, T* target, size_t count) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i < count) Store(target, i, Load(source, i));
}

__global__ void LatentPreview(const float* packed, int height, int width, uint8_t* rgb) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<size_t>(height) * width) return;
  const int x = i % width;
  const int y = i / width;
  const float* token = packed + (static_cast<size_t>(y / 2) * (width / 2) + x / 2) * 64;
  const int within = 2 * (y % 2) + x % 2;
  for (int k = 0; k < 3; ++k) {
    float value = kBias[k];
    for (int c = 0; c < 16; ++c) value += token[c * 4 + within] * kFactors[c][k];
    rgb[i * 3 + k] = static_cast<uint8_t>(lrintf(fminf(fmaxf((value + 1.0f) * 0.5f, 0.0f), 1.0f) * 255.0f));
  }
}

}  // namespace

void LaunchImageToTensor(const uint8_t* rgb, const float* mask, int height, int width, void* out, ElementType type,
                         cudaStream_t stream) {
  WithType(type, out, [&](auto* typed) {
    ImageToTensor<<<Blocks(static_cast<size_t>(height) * width), kThreads, 0, stream>>>(rgb, mask, height, width, typed);
    CheckLaunch("ImageToTensor");
  });
}

void LaunchPackLatents(const void* latent, ElementType type, int height, int width, float* packed, cudaStream_t stream) {
  WithType(type, const_cast<void*>(latent), [&](auto* typed) {
    PackLatents<<<Blocks(static_cast<size_t>(16) * height * width), kThreads, 0, stream>>>(typed, 16, height, width, true,
                                                                                            packed);
    CheckLaunch("PackLatents");
  });
}

void LaunchPackMask(const float* mask, int height, int width, float* packed, cudaStream_t stream) {
  PackMask<<<Blocks(static_cast<size_t>(height) * width), kThreads, 0, stream>>>(mask, height, width, packed);
  CheckLaunch("PackMask");
}

void LaunchConcatFillInput(const float* x, const float* masked_latent, const float* mask, int tokens, void* hidden,
                           ElementType type, cudaStream_t stream) {
  WithType(type, hidden, [&](auto* typed) {
    ConcatFillInput<<<Blocks(static_cast<size_t>(tokens) * 384), kThreads, 0, stream>>>(x, masked_latent, mask, tokens, typed);
    CheckLaunch("ConcatFillInput");
  });
}

void LaunchEulerStep(float* x, const void* v, ElementType type, size_t count, const float* sigmas, int i,
                     cudaStream_t stream) {
  WithType(type, const_cast<void*>(v), [&](auto* typed) {
    EulerStep<<<Blocks(count), kThreads, 0, stream>>>(x, typed, count, sigmas, i);
    CheckLaunch("EulerStep");
  });
}

void LaunchBlendNoise(float* x, const float* noise, const float* x0, size_t count, const float* sigmas, int i,
                      cudaStream_t stream) {
  BlendNoise<<<Blocks(count), kThreads, 0, stream>>>(x, noise, x0, count, sigmas, i);
  CheckLaunch("BlendNoise");
}

void LaunchUnpackLatents(const float* packed, int height, int width, void* latent, ElementType type, cudaStream_t stream) {
  WithType(type, latent, [&](auto* typed) {
    UnpackLatents<<<Blocks(static_cast<size_t>(16) * height * width), kThreads, 0, stream>>>(packed, height, width, typed);
    CheckLaunch("UnpackLatents");
  });
}

void LaunchTensorToImage(const void* image, ElementType type, int height, int width, uint8_t* rgb, cudaStream_t stream) {
  WithType(type, const_cast<void*>(image), [&](auto* typed) {
    TensorToImage<<<Blocks(static_cast<size_t>(height) * width), kThreads, 0, stream>>>(typed, height, width, rgb);
    CheckLaunch("TensorToImage");
  });
}

void LaunchConvert(const void* source, ElementType source_type, void* target, ElementType target_type, size_t count,
                   cudaStream_t stream) {
  WithType(source_type, const_cast<void*>(source), [&](auto* from) {
    WithType(target_type, target, [&](auto* to) {
      Convert<<<Blocks(count), kThreads, 0, stream>>>(from, to, count);
      CheckLaunch("Convert");
    });
  });
}

void LaunchLatentPreview(const float* packed, int height, int width, uint8_t* rgb, cudaStream_t stream) {
  // The factors live in constant memory, copied once per process from the CPU reference's table.
  static const bool uploaded = [] {
    CudaCheck(cudaMemcpyToSymbol(kFactors, flux::kPreviewFactors, sizeof(kFactors)), "cudaMemcpyToSymbol");
    CudaCheck(cudaMemcpyToSymbol(kBias, flux::kPreviewBias, sizeof(kBias)), "cudaMemcpyToSymbol");
    return true;
  }();
  (void)uploaded;
  LatentPreview<<<Blocks(static_cast<size_t>(height) * width), kThreads, 0, stream>>>(packed, height, width, rgb);
  CheckLaunch("LatentPreview");
}

}  // namespace outpaint::gpu
