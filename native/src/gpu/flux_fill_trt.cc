// FLUX.1 Fill [dev] on TensorRT: the pipeline of docs/gpu.md, one CUDA stream per worker, no
// host round trips between denoising steps (sigmas live on the device; the timestep input is
// pointed at sigmas[i]; progress waits on events one step behind the GPU).
#include <cuda_runtime_api.h>
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <mutex>

#include "backends/flux_fill.h"
#include "core/canvas.h"
#include "core/composite.h"
#include "core/mask.h"
#include "fill/infill.h"
#include "flux/flux_schedule.h"
#include "flux/initial_noise.h"
#include "flux/latent_layout.h"
#include "flux/latent_preview.h"
#include "flux/padding.h"
#include "gpu/cuda_check.h"
#include "gpu/flux_kernels.h"
#include "gpu/flux_model.h"
#include "gpu/flux_session.h"
#include "gpu/lora_refit.h"
#include "gpu/nvinfer_library.h"
#include "runtime/errors.h"

namespace outpaint {
namespace {

using gpu::BoundTensor;
using gpu::CudaCheck;
using gpu::ElementType;
using gpu::FluxEngineId;

bool FileExists(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string CudaProblem() {
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver == nullptr) return "no NVIDIA driver: libcuda.so.1 cannot be loaded (install the NVIDIA driver)";
  dlclose(driver);
  int devices = 0;
  const cudaError_t status = cudaGetDeviceCount(&devices);
  if (status != cudaSuccess) {
    return std::string("no usable CUDA driver or device (") + cudaGetErrorName(status) + ": " + cudaGetErrorString(status) + ")";
  }
  return devices > 0 ? "" : "no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
}

// Copies fp32 (or int32) host values into a device tensor of the engine's type.
void UploadFloats(const std::vector<float>& values, const BoundTensor& tensor, gpu::FluxSession& session, const char* name) {
  float* staging = static_cast<float*>(session.Scratch(std::string("staging/") + name, values.size() * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(staging, values.data(), values.size() * sizeof(float), cudaMemcpyHostToDevice, session.stream()),
            "cudaMemcpyAsync");
  gpu::LaunchConvert(staging, ElementType::kFloat, tensor.data, tensor.element(), values.size(), session.stream());
}

void UploadTokens(const std::vector<int32_t>& ids, const BoundTensor& tensor, cudaStream_t stream) {
  if (tensor.type == nvinfer1::DataType::kINT64) {
    // From pageable memory the copy returns once the source is staged, so `wide` may go.
    const std::vector<int64_t> wide(ids.begin(), ids.end());
    CudaCheck(cudaMemcpyAsync(tensor.data, wide.data(), wide.size() * 8, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
    return;
  }
  CudaCheck(cudaMemcpyAsync(tensor.data, ids.data(), ids.size() * 4, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
}

// Feeds one engine's output to another's input, converting the element type where they differ.
void Forward(const BoundTensor& from, gpu::FluxSession& session, FluxEngineId engine, const char* name,
             const std::vector<int64_t>& dims) {
  const BoundTensor to = session.Input(engine, name, dims);
  if (to.type == from.type) {
    session.Rebind(engine, name, from.data);
  } else {
    gpu::LaunchConvert(from.data, from.element(), to.data, to.element(), from.count, session.stream());
  }
}

// Two page-locked host buffers for previews.
struct PinnedPair {
  uint8_t* buffers[2] = {nullptr, nullptr};
  explicit PinnedPair(size_t bytes) {
    for (auto*& buffer : buffers) CudaCheck(cudaMallocHost(reinterpret_cast<void**>(&buffer), bytes), "cudaMallocHost");
  }
  ~PinnedPair() {
    for (auto* buffer : buffers) cudaFreeHost(buffer);
  }
};

// The latent preview [h, w, 3] without the padding: the canvas at 1/8 scale, rounded up.
Image PreviewImage(const uint8_t* rgb, const flux::LatentGrid& grid, int canvas_width, int canvas_height) {
  Image picture((canvas_width + 7) / 8, (canvas_height + 7) / 8, 3);
  for (int y = 0; y < picture.height; ++y) {
    std::copy(rgb + static_cast<size_t>(y) * grid.width * 3, rgb + static_cast<size_t>(y) * grid.width * 3 + picture.RowBytes(),
              picture.Row(y));
  }
  return picture;
}

class FluxFillTrtBackend final : public OutpaintBackend {
 public:
  FluxFillTrtBackend(std::string model_dir, ComputePool& compute) : model_dir_(std::move(model_dir)), compute_(compute) {}

  Image Run(const BackendRequest& request, ProgressSink& sink) override;

 private:
  // Weights and the worker's session, made on the first run (on the worker's thread, so loading
  // the engines never blocks JavaScript) and kept.
  void EnsureLoaded() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (session_) return;
    CudaCheck(cudaSetDevice(0), "cudaSetDevice");
    model_ = std::make_unique<gpu::FluxModel>(model_dir_);
    refit_ = std::make_unique<gpu::LoraRefit>(*model_);
    session_ = std::make_unique<gpu::FluxSession>(*model_);
  }

  // Encodes an image [H, W, 3] already on the device, with or without the mask, into the
  // normalized packed latent at `packed`.
  void EncodeImage(const uint8_t* rgb, const float* mask, int height, int width, float* packed);

  std::string model_dir_;
  ComputePool& compute_;
  std::mutex mutex_;
  std::unique_ptr<gpu::FluxModel> model_;
  std::unique_ptr<gpu::LoraRefit> refit_;
  std::unique_ptr<gpu::FluxSession> session_;
};

void FluxFillTrtBackend::EncodeImage(const uint8_t* rgb, const float* mask, int height, int width, float* packed) {
  gpu::FluxSession& s = *session_;
  const BoundTensor images = s.Input(FluxEngineId::kVaeEncoder, "images", {1, 3, height, width});
  gpu::LaunchImageToTensor(rgb, mask, height, width, images.data, images.element(), s.stream());
  const BoundTensor latent = s.Output(FluxEngineId::kVaeEncoder, "latent");
  s.Enqueue(FluxEngineId::kVaeEncoder);
  gpu::LaunchPackLatents(latent.data, latent.element(), height / 8, width / 8, packed, s.stream());
}

Image FluxFillTrtBackend::Run(const BackendRequest& request, ProgressSink& sink) {
  const OutpaintParams& params = request.outpaint;
  const DenoiseParams& denoise = request.denoise;
  if (denoise.t5_tokens.size() != 512 || denoise.clip_tokens.size() != 77) {
    throw NativeError("INVALID_ARGUMENT", "Expected denoise.t5Tokens (512 ids) and denoise.clipTokens (77 ids) for FLUX_FILL_TRT");
  }
  const int first_step = flux::FirstStep(denoise.steps, denoise.strength);
  const int steps_run = denoise.steps - first_step;
  const bool from_canvas = first_step > 0;

  // Canvas and mask on the CPU; the pre-fill only matters when the run starts from the canvas.
  Image canvas = PlaceOnCanvas(params.original, params.placement);
  const Mask mask = BuildOutpaintMask(params.placement, params.blur);
  std::unique_ptr<Infill> infill;
  if (from_canvas) {
    const FillContext context{mask, KnownRect(params.placement, params.blur), params.seed, compute_};
    infill = MakeInfill(params.infill, context, canvas);
  }
  constexpr int kFixedSteps = 4;  // load + text, encode, decode, composite
  StepReporter reporter(sink, (infill ? infill->StepCount() : 0) + steps_run + kFixedSteps);
  if (infill) {
    reporter.BeginStage("INFILL");
    infill->Run(canvas, reporter);
  }

  reporter.BeginStage("PREPARING");
  EnsureLoaded();
  refit_->Apply(denoise.loras);
  gpu::FluxSession& s = *session_;
  const cudaStream_t stream = s.stream();
  // Whatever happens below, nothing is freed or reused while the stream still works on it.
  struct Drain {
    cudaStream_t stream;
    ~Drain() { cudaStreamSynchronize(stream); }
  } drain{stream};

  // Padded RGB canvas and binary mask on the device.
  Image rgb(canvas.width, canvas.height, 3);
  for (size_t i = 0, n = static_cast<size_t>(canvas.width) * canvas.height; i < n; ++i) {
    for (int c = 0; c < 3; ++c) rgb.pixels[i * 3 + c] = canvas.pixels[i * canvas.channels + (canvas.channels >= 3 ? c : 0)];
  }
  const Image padded = flux::PadImage(rgb);
  const Mask padded_mask = flux::PadMask(mask);
  const int height = padded.height;
  const int width = padded.width;
  const flux::LatentGrid grid{16, height / 8, width / 8};
  const int tokens = grid.Tokens();
  const size_t pixels = static_cast<size_t>(width) * height;
  std::vector<float> binary(pixels);
  flux::BinarizeMask(padded_mask.values.data(), pixels, binary.data());
  auto* rgb_d = static_cast<uint8_t*>(s.Scratch("rgb", pixels * 3));
  auto* mask_d = static_cast<float*>(s.Scratch("mask", pixels * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(rgb_d, padded.pixels.data(), pixels * 3, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
  CudaCheck(cudaMemcpyAsync(mask_d, binary.data(), pixels * sizeof(float), cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");

  // Text: T5 for the sequence, CLIP for the pooled vector.
  UploadTokens(denoise.t5_tokens, s.Input(FluxEngineId::kT5, "input_ids", {1, 512}), stream);
  const BoundTensor t5 = s.Output(FluxEngineId::kT5, "text_embeddings");
  s.Enqueue(FluxEngineId::kT5);
  UploadTokens(denoise.clip_tokens, s.Input(FluxEngineId::kClip, "input_ids", {1, 77}), stream);
  const BoundTensor pooled = s.Output(FluxEngineId::kClip, "pooled_embeddings");
  s.Enqueue(FluxEngineId::kClip);
  reporter.Advance();

  // Conditioning: the masked image's latent and the mask, packed; then the starting latent.
  // still PREPARING
  auto* cond_latent = static_cast<float*>(s.Scratch("cond_latent", static_cast<size_t>(tokens) * 64 * sizeof(float)));
  auto* cond_mask = static_cast<float*>(s.Scratch("cond_mask", static_cast<size_t>(tokens) * 256 * sizeof(float)));
  EncodeImage(rgb_d, mask_d, height, width, cond_latent);
  gpu::LaunchPackMask(mask_d, height, width, cond_mask, stream);

  const std::vector<float> sigmas = flux::Sigmas(denoise.steps, width, height);
  auto* sigmas_d = static_cast<float*>(s.Scratch("sigmas", sigmas.size() * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(sigmas_d, sigmas.data(), sigmas.size() * sizeof(float), cudaMemcpyHostToDevice, stream),
            "cudaMemcpyAsync");
  const size_t latent_count = grid.Size();
  std::vector<float> noise(latent_count);
  flux::GaussianNoise(params.seed, noise.data(), latent_count);
  auto* x = static_cast<float*>(s.Scratch("x", latent_count * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(x, noise.data(), latent_count * sizeof(float), cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
  if (from_canvas) {
    auto* noise_d = static_cast<float*>(s.Scratch("noise", latent_count * sizeof(float)));
    CudaCheck(cudaMemcpyAsync(noise_d, x, latent_count * sizeof(float), cudaMemcpyDeviceToDevice, stream), "cudaMemcpyAsync");
    auto* x0 = static_cast<float*>(s.Scratch("x0", latent_count * sizeof(float)));
    EncodeImage(rgb_d, nullptr, height, width, x0);
    gpu::LaunchBlendNoise(x, noise_d, x0, latent_count, sigmas_d, first_step, stream);
  }
  reporter.Advance();

  // The transformer's inputs that stay put for the whole loop.
  const FluxEngineId transformer = FluxEngineId::kTransformer;
  const BoundTensor hidden = s.Input(transformer, "hidden_states", {1, tokens, 384});
  Forward(t5, s, transformer, "encoder_hidden_states", {1, 512, 4096});
  Forward(pooled, s, transformer, "pooled_projections", {1, 768});
  std::vector<float> img_ids(static_cast<size_t>(tokens) * 3);
  flux::ImageIds(grid, img_ids.data());
  UploadFloats(img_ids, s.Input(transformer, "img_ids", {tokens, 3}), s, "img_ids");
  UploadFloats(std::vector<float>(512 * 3, 0.0f), s.Input(transformer, "txt_ids", {512, 3}), s, "txt_ids");
  UploadFloats({denoise.guidance}, s.Input(transformer, "guidance", {1}), s, "guidance");
  const BoundTensor timestep = s.Input(transformer, "timestep", {1});
  void* timesteps = sigmas_d;  // the timestep input reads sigmas[i] in place when the types agree
  if (timestep.type != nvinfer1::DataType::kFLOAT) {
    timesteps = s.Scratch("timesteps", sigmas.size() * 4);
    gpu::LaunchConvert(sigmas_d, ElementType::kFloat, timesteps, timestep.element(), sigmas.size(), stream);
  }
  const size_t timestep_bytes = timestep.type == nvinfer1::DataType::kFLOAT ? 4 : 2;
  const BoundTensor velocity = s.Output(transformer, "latent");

  // The loop: step i is enqueued before waiting for step i - 1, so the GPU never idles for the host.
  reporter.BeginStage("DENOISING");
  cudaEvent_t done[2];
  CudaCheck(cudaEventCreateWithFlags(&done[0], cudaEventDisableTiming), "cudaEventCreate");
  CudaCheck(cudaEventCreateWithFlags(&done[1], cudaEventDisableTiming), "cudaEventCreate");
  struct Events {
    cudaEvent_t* events;
    ~Events() {
      cudaEventDestroy(events[0]);
      cudaEventDestroy(events[1]);
    }
  } events{done};
  // Previews go through pinned memory (so the copy does not stall the host), one buffer per
  // step parity, since step i's copy is enqueued before step i - 1's is read.
  const size_t preview_bytes = static_cast<size_t>(grid.width) * grid.height * 3;
  auto* preview_d = static_cast<uint8_t*>(s.Scratch("preview", preview_bytes));
  PinnedPair previews(preview_bytes);
  const auto previews_after = [&](int i) {
    return denoise.preview_every > 0 && (i + 1 - first_step) % denoise.preview_every == 0 && i + 1 < denoise.steps;
  };
  for (int i = first_step; i <= denoise.steps; ++i) {
    if (i < denoise.steps) {
      gpu::LaunchConcatFillInput(x, cond_latent, cond_mask, tokens, hidden.data, hidden.element(), stream);
      s.Rebind(transformer, "timestep", static_cast<char*>(timesteps) + static_cast<size_t>(i) * timestep_bytes);
      s.Enqueue(transformer);
      gpu::LaunchEulerStep(x, velocity.data, velocity.element(), latent_count, sigmas_d, i, stream);
      if (previews_after(i)) {
        gpu::LaunchLatentPreview(x, grid.height, grid.width, preview_d, stream);
        CudaCheck(cudaMemcpyAsync(previews.buffers[i % 2], preview_d, preview_bytes, cudaMemcpyDeviceToHost, stream),
                  "cudaMemcpyAsync");
      }
      CudaCheck(cudaEventRecord(done[i % 2], stream), "cudaEventRecord");
    }
    if (i == first_step) continue;
    // Step i - 1 has finished once its event has: report it (the reporter checks for cancellation).
    CudaCheck(cudaEventSynchronize(done[(i - 1) % 2]), "cudaEventSynchronize");
    reporter.Advance();
    if (previews_after(i - 1)) sink.Preview(PreviewImage(previews.buffers[(i - 1) % 2], grid, canvas.width, canvas.height));
  }

  // Decode, crop the padding away, and paste the original back.
  // decoding counts as the last DENOISING step
  const BoundTensor decoder_in = s.Input(FluxEngineId::kVaeDecoder, "latent", {1, 16, grid.height, grid.width});
  gpu::LaunchUnpackLatents(x, grid.height, grid.width, decoder_in.data, decoder_in.element(), stream);
  const BoundTensor decoded = s.Output(FluxEngineId::kVaeDecoder, "images");
  s.Enqueue(FluxEngineId::kVaeDecoder);
  gpu::LaunchTensorToImage(decoded.data, decoded.element(), height, width, rgb_d, stream);
  Image generated(width, height, 3);
  CudaCheck(cudaMemcpyAsync(generated.pixels.data(), rgb_d, pixels * 3, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
  CudaCheck(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  reporter.Advance();

  reporter.BeginStage("COMPOSITING");
  const Image cropped = flux::CropImage(generated, canvas.width, canvas.height);
  for (size_t i = 0, n = static_cast<size_t>(canvas.width) * canvas.height; i < n; ++i) {
    for (int c = 0; c < std::min(canvas.channels, 3); ++c) canvas.pixels[i * canvas.channels + c] = cropped.pixels[i * 3 + c];
  }
  PasteBackRows(params.original, params.placement, mask, canvas, 0, params.placement.canvas_height);
  reporter.Advance();
  return canvas;
}

}  // namespace

std::vector<std::string> ProbeFluxFill(const std::string& model_dir) {
  std::vector<std::string> missing;
  const std::string library = gpu::NvInferLibrary::Problem();
  if (!library.empty()) missing.push_back(library);
  const std::string cuda = CudaProblem();
  if (!cuda.empty()) missing.push_back(cuda);
  if (model_dir.empty()) return missing;  // the caller says where it looked
  for (int i = 0; i < gpu::kFluxEngineCount; ++i) {
    const std::string file = gpu::EngineFile(model_dir, static_cast<FluxEngineId>(i));
    if (!FileExists(file)) missing.push_back("no engine at " + file + " (scripts/build-flux-engines.sh builds it)");
  }
  return missing;
}

std::unique_ptr<OutpaintBackend> OpenFluxFill(const std::string& model_dir, ComputePool& compute) {
  const std::vector<std::string> missing = ProbeFluxFill(model_dir);
  if (!missing.empty()) {
    std::string message = "FLUX_FILL_TRT cannot run here: ";
    for (size_t i = 0; i < missing.size(); ++i) message += (i ? "; " : "") + missing[i];
    throw NativeError("BACKEND_UNAVAILABLE", message);
  }
  return std::make_unique<FluxFillTrtBackend>(model_dir, compute);
}

}  // namespace outpaint
