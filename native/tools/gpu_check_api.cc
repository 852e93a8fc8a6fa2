// The C interface native/tools/gpu_check.py drives over ctypes (`npm run gpu:check`): the FLUX
// pipeline's CUDA kernels, the LoRA weight merge and the CPU schedule, called exactly as the
// backend calls them, on device memory PyTorch owns. Element types: 0 fp32, 1 fp16, 2 bf16.
// Every function returns 0, or -1 with the error in gc_last_error(); each waits for the device,
// so errors surface at the call that caused them.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "flux/flux_schedule.h"
#include "flux/latent_layout.h"
#include "flux/latent_preview.h"
#include "gpu/cuda_check.h"
#include "gpu/flux_kernels.h"
#ifdef OUTPAINT_WITH_CUBLAS
#include "gpu/weight_merge.h"
#endif

using namespace outpaint;
using gpu::ElementType;

namespace {

std::string last_error;

ElementType Type(int code) { return code == 1 ? ElementType::kHalf : code == 2 ? ElementType::kBFloat16 : ElementType::kFloat; }

template <typename F>
int Guard(F body) {
  try {
    body();
    gpu::CudaCheck(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    return 0;
  } catch (const std::exception& error) {
    last_error = error.what();
    return -1;
  }
}

}  // namespace

extern "C" {

const char* gc_last_error() { return last_error.c_str(); }

int gc_has_lora_merge() {
#ifdef OUTPAINT_WITH_CUBLAS
  return 1;
#else
  return 0;
#endif
}

int gc_image_to_tensor(const uint8_t* rgb, const float* mask, int height, int width, void* out, int type) {
  return Guard([&] { gpu::LaunchImageToTensor(rgb, mask, height, width, out, Type(type), nullptr); });
}

int gc_pack_latents(const void* latent, int type, int height, int width, float* packed) {
  return Guard([&] { gpu::LaunchPackLatents(latent, Type(type), height, width, packed, nullptr); });
}

int gc_pack_mask(const float* mask, int height, int width, float* packed) {
  return Guard([&] { gpu::LaunchPackMask(mask, height, width, packed, nullptr); });
}

int gc_concat_fill_input(const float* x, const float* masked_latent, const float* mask, int tokens, void* hidden, int type) {
  return Guard([&] { gpu::LaunchConcatFillInput(x, masked_latent, mask, tokens, hidden, Type(type), nullptr); });
}

int gc_euler_step(float* x, const void* v, int type, int64_t count, const float* sigmas, int step) {
  return Guard([&] { gpu::LaunchEulerStep(x, v, Type(type), static_cast<size_t>(count), sigmas, step, nullptr); });
}

int gc_blend_noise(float* x, const float* noise, const float* x0, int64_t count, const float* sigmas, int step) {
  return Guard([&] { gpu::LaunchBlendNoise(x, noise, x0, static_cast<size_t>(count), sigmas, step, nullptr); });
}

int gc_unpack_latents(const float* packed, int height, int width, void* latent, int type) {
  return Guard([&] { gpu::LaunchUnpackLatents(packed, height, width, latent, Type(type), nullptr); });
}

int gc_tensor_to_image(const void* image, int type, int height, int width, uint8_t* rgb) {
  return Guard([&] { gpu::LaunchTensorToImage(image, Type(type), height, width, rgb, nullptr); });
}

int gc_convert(const void* source, int source_type, void* target, int target_type, int64_t count) {
  return Guard([&] { gpu::LaunchConvert(source, Type(source_type), target, Type(target_type), static_cast<size_t>(count), nullptr); });
}

int gc_latent_preview(const float* packed, int height, int width, uint8_t* rgb) {
  return Guard([&] { gpu::LaunchLatentPreview(packed, height, width, rgb, nullptr); });
}

// The preview's published linear fit (flux/latent_preview.h), for the reference to use: [16, 3], [3].
int gc_preview_factors(float* factors, float* bias) {
  std::copy(&flux::kPreviewFactors[0][0], &flux::kPreviewFactors[0][0] + flux::kLatentChannels * 3, factors);
  std::copy(flux::kPreviewBias, flux::kPreviewBias + 3, bias);
  return 0;
}

// The host-side schedule the pipeline uploads: N + 1 sigmas, and the first step of a run.
int gc_sigmas(int steps, int width, int height, float* out) {
  const std::vector<float> sigmas = flux::Sigmas(steps, width, height);
  std::copy(sigmas.begin(), sigmas.end(), out);
  return 0;
}

int gc_first_step(int steps, double strength) { return flux::FirstStep(steps, strength); }

int gc_image_ids(int latent_height, int latent_width, float* out) {
  flux::ImageIds(flux::LatentGrid{16, latent_height, latent_width}, out);
  return 0;
}

// W = base + sum_j scales[j] * ups[j] downs[j] into `out` (device, out_type), as LoRA refits
// merge: host tensors in safetensors dtypes ("F32", "F16", "BF16"), downs[j] [ranks[j], cols],
// ups[j] [rows, ranks[j]]; base [rows, cols], or [cols, rows] with `transposed`.
int gc_merge_weight(const void* base, const char* base_dtype, int64_t rows, int64_t cols, int transposed, int count,
                    const void* const* downs, const void* const* ups, const char* const* factor_dtypes, const int64_t* ranks,
                    const float* scales, void* out, int out_type) {
#ifdef OUTPAINT_WITH_CUBLAS
  return Guard([&] {
    const auto tensor = [](const void* data, const std::string& dtype, std::vector<int64_t> shape) {
      flux::SafeTensor t;
      t.dtype = dtype;
      t.shape = std::move(shape);
      t.data = static_cast<const uint8_t*>(data);
      t.bytes = t.Count() * (dtype == "F32" ? 4 : 2);
      return t;
    };
    const flux::SafeTensor weights = tensor(base, base_dtype, transposed ? std::vector<int64_t>{cols, rows} : std::vector<int64_t>{rows, cols});
    std::vector<flux::SafeTensor> down_tensors, up_tensors;
    for (int j = 0; j < count; ++j) {
      down_tensors.push_back(tensor(downs[j], factor_dtypes[j], {ranks[j], cols}));
      up_tensors.push_back(tensor(ups[j], factor_dtypes[j], {rows, ranks[j]}));
    }
    std::vector<flux::LoraFactor> factors;
    for (int j = 0; j < count; ++j) factors.push_back(flux::LoraFactor{"w", &down_tensors[j], &up_tensors[j], scales[j]});
    std::vector<const flux::LoraFactor*> pointers;
    for (const flux::LoraFactor& factor : factors) pointers.push_back(&factor);
    gpu::DeviceBuffer merged;
    gpu::WeightMerger merger(nullptr);
    merger.Merge(weights, pointers, transposed != 0, Type(out_type), merged);
    gpu::CudaCheck(cudaMemcpy(out, merged.data(), weights.Count() * (out_type == 0 ? 4 : 2), cudaMemcpyDeviceToDevice), "cudaMemcpy");
  });
#else
  (void)base, (void)base_dtype, (void)rows, (void)cols, (void)transposed, (void)count, (void)downs, (void)ups;
  (void)factor_dtypes, (void)ranks, (void)scales, (void)out, (void)out_type;
  last_error = "built without cuBLAS's headers";
  return -1;
#endif
}

}  // extern "C"
