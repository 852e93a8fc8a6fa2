// Compares every CUDA kernel of the FLUX pipeline with its CPU reference on random inputs at
// 1024x1024 and 1024x1536 (and an odd small size), in fp32, fp16 and bf16 where the kernel
// converts engine I/O. Prints one line per check and exits 1 on any mismatch.
//   node scripts/build-native.mjs --cuda && build/native-cuda/flux_kernel_check
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "flux/euler_step.h"
#include "flux/flux_schedule.h"
#include "flux/image_tensor.h"
#include "flux/latent_layout.h"
#include "flux/latent_preview.h"
#include "gpu/flux_kernels.h"

using namespace outpaint;

namespace {

int failures = 0;

void Check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(status));
    std::exit(2);
  }
}

template <typename T>
struct DeviceArray {
  T* data = nullptr;
  size_t count = 0;
  explicit DeviceArray(size_t n) : count(n) { Check(cudaMalloc(reinterpret_cast<void**>(&data), n * sizeof(T) + 1), "cudaMalloc"); }
  DeviceArray(const std::vector<T>& host) : DeviceArray(host.size()) {
    Check(cudaMemcpy(data, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), "upload");
  }
  ~DeviceArray() { cudaFree(data); }
  std::vector<T> Download() const {
    std::vector<T> host(count);
    Check(cudaMemcpy(host.data(), data, count * sizeof(T), cudaMemcpyDeviceToHost), "download");
    return host;
  }
};

std::vector<float> RandomFloats(size_t n, float low, float high, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> values(n);
  for (float& v : values) v = dist(random);
  return values;
}

template <typename T>
void Report(const std::string& name, const std::vector<T>& gpu, const std::vector<T>& cpu, double tolerance) {
  double worst = 0;
  for (size_t i = 0; i < cpu.size(); ++i) worst = std::max(worst, std::abs(static_cast<double>(gpu[i]) - static_cast<double>(cpu[i])));
  const bool ok = gpu.size() == cpu.size() && worst <= tolerance;
  failures += ok ? 0 : 1;
  std::printf("%-4s %-52s max |gpu - cpu| = %.3g (tolerance %.3g, %zu values)\n", ok ? "ok" : "FAIL", name.c_str(), worst,
              tolerance, cpu.size());
}

// Converts fp32 device values of `type` back to fp32 on the host.
std::vector<float> DownloadAs(const void* data, gpu::ElementType type, size_t count) {
  std::vector<float> out(count);
  if (type == gpu::ElementType::kFloat) {
    Check(cudaMemcpy(out.data(), data, count * 4, cudaMemcpyDeviceToHost), "download");
  } else if (type == gpu::ElementType::kHalf) {
    std::vector<__half> raw(count);
    Check(cudaMemcpy(raw.data(), data, count * 2, cudaMemcpyDeviceToHost), "download");
    for (size_t i = 0; i < count; ++i) out[i] = __half2float(raw[i]);
  } else {
    std::vector<__nv_bfloat16> raw(count);
    Check(cudaMemcpy(raw.data(), data, count * 2, cudaMemcpyDeviceToHost), "download");
    for (size_t i = 0; i < count; ++i) out[i] = __bfloat162float(raw[i]);
  }
  return out;
}

// Uploads fp32 host values as `type`, rounded the way the engine would hand them over.
void* UploadAs(const std::vector<float>& values, gpu::ElementType type) {
  void* data = nullptr;
  if (type == gpu::ElementType::kFloat) {
    Check(cudaMalloc(&data, values.size() * 4), "cudaMalloc");
    Check(cudaMemcpy(data, values.data(), values.size() * 4, cudaMemcpyHostToDevice), "upload");
  } else if (type == gpu::ElementType::kHalf) {
    std::vector<__half> raw(values.size());
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = __float2half_rn(values[i]);
    Check(cudaMalloc(&data, raw.size() * 2), "cudaMalloc");
    Check(cudaMemcpy(data, raw.data(), raw.size() * 2, cudaMemcpyHostToDevice), "upload");
  } else {
    std::vector<__nv_bfloat16> raw(values.size());
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = __float2bfloat16_rn(values[i]);
    Check(cudaMalloc(&data, raw.size() * 2), "cudaMalloc");
    Check(cudaMemcpy(data, raw.data(), raw.size() * 2, cudaMemcpyHostToDevice), "upload");
  }
  return data;
}

// The values the engine would see after rounding to `type`, for the CPU side of a comparison.
std::vector<float> RoundedAs(std::vector<float> values, gpu::ElementType type) {
  for (float& v : values) {
    if (type == gpu::ElementType::kHalf) v = __half2float(__float2half_rn(v));
    if (type == gpu::ElementType::kBFloat16) v = __bfloat162float(__float2bfloat16_rn(v));
  }
  return values;
}

const char* TypeName(gpu::ElementType type) {
  return type == gpu::ElementType::kFloat ? "fp32" : type == gpu::ElementType::kHalf ? "fp16" : "bf16";
}

void CheckSize(int width, int height) {
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  flux::LatentGrid grid{16, height / 8, width / 8};
  const size_t pixels = static_cast<size_t>(width) * height;
  const size_t latent = grid.Size();
  const int tokens = grid.Tokens();

  std::vector<uint8_t> rgb(pixels * 3);
  std::mt19937 random(7);
  for (uint8_t& v : rgb) v = static_cast<uint8_t>(random() & 255);
  std::vector<float> mask(pixels);
  for (size_t i = 0; i < pixels; ++i) mask[i] = (random() % 3 == 0) ? 1.0f : 0.0f;
  DeviceArray<uint8_t> rgb_d(rgb);
  DeviceArray<float> mask_d(mask);

  for (gpu::ElementType type : {gpu::ElementType::kFloat, gpu::ElementType::kHalf, gpu::ElementType::kBFloat16}) {
    const std::string suffix = std::string(" ") + TypeName(type) + " " + size;
    // image -> tensor (masked)
    std::vector<float> expected(pixels * 3);
    flux::ImageToTensor(rgb.data(), mask.data(), height, width, expected.data());
    void* tensor = UploadAs(std::vector<float>(pixels * 3, 0.0f), type);
    gpu::LaunchImageToTensor(rgb_d.data, mask_d.data, height, width, tensor, type, nullptr);
    Report("image to masked tensor" + suffix, DownloadAs(tensor, type, pixels * 3), RoundedAs(expected, type), 0);
    cudaFree(tensor);

    // VAE latent -> normalized packed latent
    const std::vector<float> vae = RoundedAs(RandomFloats(latent, -3, 3, 11), type);
    std::vector<float> normalized = vae;
    flux::NormalizeLatent(normalized.data(), latent);
    std::vector<float> packed(latent);
    flux::PackLatents(normalized.data(), grid, packed.data());
    void* vae_d = UploadAs(vae, type);
    DeviceArray<float> packed_d(latent);
    gpu::LaunchPackLatents(vae_d, type, grid.height, grid.width, packed_d.data, nullptr);
    Report("normalize + pack latents" + suffix, packed_d.Download(), packed, 1e-6);
    cudaFree(vae_d);

    // packed -> VAE decoder input
    std::vector<float> unpacked(latent);
    flux::UnpackLatents(packed.data(), grid, unpacked.data());
    flux::DenormalizeLatent(unpacked.data(), latent);
    void* decoder_in = UploadAs(std::vector<float>(latent, 0.0f), type);
    gpu::LaunchUnpackLatents(packed_d.data, grid.height, grid.width, decoder_in, type, nullptr);
    Report("unpack + denormalize latents" + suffix, DownloadAs(decoder_in, type, latent), RoundedAs(unpacked, type), 1e-5);
    cudaFree(decoder_in);

    // concat [x | masked latent | mask]
    const std::vector<float> x = RandomFloats(static_cast<size_t>(tokens) * 64, -2, 2, 3);
    const std::vector<float> cond = RandomFloats(static_cast<size_t>(tokens) * 64, -2, 2, 4);
    const std::vector<float> mask_packed = RandomFloats(static_cast<size_t>(tokens) * 256, 0, 1, 5);
    std::vector<float> hidden(static_cast<size_t>(tokens) * 384);
    flux::ConcatFillInput(x.data(), cond.data(), mask_packed.data(), tokens, hidden.data());
    DeviceArray<float> x_d(x), cond_d(cond), maskp_d(mask_packed);
    void* hidden_d = UploadAs(std::vector<float>(hidden.size(), 0.0f), type);
    gpu::LaunchConcatFillInput(x_d.data, cond_d.data, maskp_d.data, tokens, hidden_d, type, nullptr);
    Report("concat fill input [L, 384]" + suffix, DownloadAs(hidden_d, type, hidden.size()), RoundedAs(hidden, type), 0);
    cudaFree(hidden_d);

    // Euler step with sigmas on the device
    const std::vector<float> sigmas = flux::Sigmas(28, width, height);
    const std::vector<float> v = RoundedAs(RandomFloats(x.size(), -2, 2, 6), type);
    std::vector<float> stepped = x;
    flux::EulerStep(stepped.data(), v.data(), stepped.size(), sigmas[3], sigmas[4]);
    DeviceArray<float> sigmas_d(sigmas);
    void* v_d = UploadAs(v, type);
    gpu::LaunchEulerStep(x_d.data, v_d, type, x.size(), sigmas_d.data, 3, nullptr);
    Report("Euler step 3 of 28" + suffix, x_d.Download(), stepped, 1e-6);
    cudaFree(v_d);

    // decoder output -> RGB
    const std::vector<float> decoded = RoundedAs(RandomFloats(pixels * 3, -1.2f, 1.2f, 8), type);
    std::vector<uint8_t> out(pixels * 3);
    flux::TensorToImage(decoded.data(), height, width, out.data());
    void* decoded_d = UploadAs(decoded, type);
    DeviceArray<uint8_t> out_d(pixels * 3);
    gpu::LaunchTensorToImage(decoded_d, type, height, width, out_d.data, nullptr);
    Report("tensor to RGB" + suffix, out_d.Download(), out, 1);
    cudaFree(decoded_d);
  }

  // mask space to depth + pack (fp32 only)
  std::vector<float> channels(pixels);
  flux::MaskToLatentChannels(mask.data(), height, width, channels.data());
  flux::LatentGrid mask_grid{64, height / 8, width / 8};
  std::vector<float> mask_packed(pixels);
  flux::PackLatents(channels.data(), mask_grid, mask_packed.data());
  DeviceArray<float> mask_packed_d(pixels);
  gpu::LaunchPackMask(mask_d.data, height, width, mask_packed_d.data, nullptr);
  Report("mask space-to-depth + pack [L, 256] " + size, mask_packed_d.Download(), mask_packed, 0);

  // image-to-image start
  const std::vector<float> noise = RandomFloats(latent, -3, 3, 9);
  const std::vector<float> x0 = RandomFloats(latent, -3, 3, 10);
  const std::vector<float> sigmas = flux::Sigmas(50, width, height);
  std::vector<float> blended(latent);
  flux::BlendNoise(blended.data(), noise.data(), x0.data(), latent, sigmas[12]);
  DeviceArray<float> noise_d(noise), x0_d(x0), sigmas_d(sigmas), blended_d(latent);
  gpu::LaunchBlendNoise(blended_d.data, noise_d.data, x0_d.data, latent, sigmas_d.data, 12, nullptr);
  Report("blend noise (strength start) " + size, blended_d.Download(), blended, 1e-6);

  // latent preview
  const std::vector<float> packed = RandomFloats(latent, -2, 2, 12);
  std::vector<uint8_t> preview(static_cast<size_t>(grid.height) * grid.width * 3);
  flux::PreviewLatents(packed.data(), grid, preview.data());
  DeviceArray<float> packed_d(packed);
  DeviceArray<uint8_t> preview_d(preview.size());
  gpu::LaunchLatentPreview(packed_d.data, grid.height, grid.width, preview_d.data, nullptr);
  // The dot product may round differently (fused multiply-add); one level of 255 is allowed.
  Report("latent preview " + size, preview_d.Download(), preview, 1);
  Check(cudaDeviceSynchronize(), "kernels");
}

}  // namespace

int main() {
  int devices = 0;
  Check(cudaGetDeviceCount(&devices), "cudaGetDeviceCount");
  cudaDeviceProp props{};
  Check(cudaGetDeviceProperties(&props, 0), "cudaGetDeviceProperties");
  std::printf("device 0: %s (compute %d.%d)\n", props.name, props.major, props.minor);
  CheckSize(1024, 1024);
  CheckSize(1024, 1536);
  CheckSize(48, 80);
  std::printf("%s: %d check(s) failed\n", failures == 0 ? "PASS" : "FAIL", failures);
  return failures == 0 ? 0 : 1;
}
