#include "gpu/flux_denoiser.h"

#include <algorithm>

#include "flux/flux_schedule.h"
#include "flux/initial_noise.h"
#include "flux/padding.h"
#include "gpu/cuda_check.h"
#include "gpu/flux_kernels.h"
#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

// Loading the engines (first run only) reports this many steps, spread over the plans' bytes.
constexpr int kLoadSteps = 20;
// Text and conditioning, the starting latent, decoding.
constexpr int kFixedSteps = 3;

// Copies fp32 host values into a device tensor of the engine's type.
void UploadFloats(const std::vector<float>& values, const BoundTensor& tensor, FluxSession& session, const char* name) {
  float* staging = static_cast<float*>(session.Scratch(std::string("staging/") + name, values.size() * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(staging, values.data(), values.size() * sizeof(float), cudaMemcpyHostToDevice, session.stream()),
            "cudaMemcpyAsync");
  LaunchConvert(staging, ElementType::kFloat, tensor.data, tensor.element(), values.size(), session.stream());
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
void Forward(FluxSession& session, FluxEngine from_engine, const char* from_name, FluxEngine to_engine, const char* to_name,
             const std::vector<int64_t>& dims) {
  const BoundTensor from = session.Output(from_engine, from_name);
  const BoundTensor to = session.Input(to_engine, to_name, dims);
  if (to.type == from.type) {
    session.Rebind(to_engine, to_name, from.data);
  } else {
    LaunchConvert(from.data, from.element(), to.data, to.element(), from.count, session.stream());
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

struct EventPair {
  cudaEvent_t events[2] = {nullptr, nullptr};
  EventPair() {
    for (auto& event : events) CudaCheck(cudaEventCreateWithFlags(&event, cudaEventDisableTiming), "cudaEventCreate");
  }
  ~EventPair() {
    for (auto& event : events) cudaEventDestroy(event);
  }
};

// The latent preview [h, w, 3] without the padding: the canvas at 1/8 scale, rounded up.
Image PreviewImage(const uint8_t* rgb, const flux::LatentGrid& grid, int canvas_width, int canvas_height) {
  Image picture((canvas_width + 7) / 8, (canvas_height + 7) / 8, 3);
  for (int y = 0; y < picture.height; ++y) {
    const uint8_t* row = rgb + static_cast<size_t>(y) * grid.width * 3;
    std::copy(row, row + picture.RowBytes(), picture.Row(y));
  }
  return picture;
}

}  // namespace

FluxDenoiser::FluxDenoiser(FluxGpu& gpu, const DenoiseParams& params, FluxEngine transformer, const char* stage)
    : gpu_(gpu),
      params_(params),
      transformer_(transformer),
      stage_(stage),
      first_step_(flux::FirstStep(params.steps, params.strength)),
      load_bytes_(gpu.BytesToLoad(transformer)) {
  if (params.t5_tokens.size() != 512 || params.clip_tokens.size() != 77) {
    throw NativeError("INVALID_ARGUMENT", "Expected denoise.t5Tokens (512 ids) and denoise.clipTokens (77 ids) for FLUX_FILL_TRT");
  }
}

int FluxDenoiser::StepCount() const { return (load_bytes_ > 0 ? kLoadSteps : 0) + kFixedSteps + params_.steps - first_step_; }

Image FluxDenoiser::Denoise(const Image& rgb, const Mask& mask, uint64_t seed, StepReporter& reporter) {
  reporter.BeginStage("PREPARING");
  Load(reporter);
  const cudaStream_t stream = gpu_.session().stream();
  // Whatever happens below, nothing is freed or reused while the stream still works on it.
  struct Drain {
    cudaStream_t stream;
    ~Drain() { cudaStreamSynchronize(stream); }
  } drain{stream};

  Upload(rgb, mask);
  EncodeText();
  reporter.Advance();
  if (transformer_ == FluxEngine::kFillTransformer) EncodeFillCondition();
  StartLatent(seed);
  reporter.Advance();

  reporter.BeginStage(stage_);
  Loop(reporter, rgb.width, rgb.height);
  Image decoded = Decode(rgb.width, rgb.height);
  reporter.Advance();  // decoding counts as the last denoising step
  return decoded;
}

void FluxDenoiser::Load(StepReporter& reporter) {
  int64_t read = 0;
  int advanced = 0;
  // Cancelling between chunks stops the load (the reporter throws; the plan reader passes it on).
  gpu_.Load(transformer_, [&](int64_t bytes) {
    read += bytes;
    const int due = static_cast<int>(std::min<int64_t>(kLoadSteps, read * kLoadSteps / std::max<int64_t>(load_bytes_, 1)));
    for (; advanced < due; ++advanced) reporter.Advance();
  });
  for (; load_bytes_ > 0 && advanced < kLoadSteps; ++advanced) reporter.Advance();
  gpu_.ApplyLoras(transformer_, params_.loras);
}

void FluxDenoiser::Upload(const Image& rgb, const Mask& mask) {
  FluxSession& s = gpu_.session();
  const Image padded = flux::PadImage(rgb);
  const Mask padded_mask = flux::PadMask(mask);
  width_ = padded.width;
  height_ = padded.height;
  grid_ = flux::LatentGrid{16, height_ / 8, width_ / 8};
  const size_t pixels = static_cast<size_t>(width_) * height_;
  std::vector<float> binary(pixels);
  flux::BinarizeMask(padded_mask.values.data(), pixels, binary.data());
  rgb_ = static_cast<uint8_t*>(s.Scratch("rgb", pixels * 3));
  mask_ = static_cast<float*>(s.Scratch("mask", pixels * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(rgb_, padded.pixels.data(), pixels * 3, cudaMemcpyHostToDevice, s.stream()), "cudaMemcpyAsync");
  CudaCheck(cudaMemcpyAsync(mask_, binary.data(), pixels * sizeof(float), cudaMemcpyHostToDevice, s.stream()), "cudaMemcpyAsync");
}

// T5 for the sequence, CLIP for the pooled vector; any other output goes to scratch.
void FluxDenoiser::EncodeText() {
  FluxSession& s = gpu_.session();
  UploadTokens(params_.t5_tokens, s.Input(FluxEngine::kT5, "input_ids", {1, 512}), s.stream());
  s.Output(FluxEngine::kT5, "text_embeddings");
  s.Enqueue(FluxEngine::kT5);
  UploadTokens(params_.clip_tokens, s.Input(FluxEngine::kClip, "input_ids", {1, 77}), s.stream());
  s.Output(FluxEngine::kClip, "pooled_embeddings");
  s.Enqueue(FluxEngine::kClip);
}

// FluxFillPipeline's conditioning: the VAE latent of the image with masked pixels at 0
// (image * (1 - mask) in [-1, 1]), packed, and the mask space-to-depth 8x8, packed. A wholly
// masked canvas (generation) gives the latent of a grey image and a mask of ones.
void FluxDenoiser::EncodeFillCondition() {
  FluxSession& s = gpu_.session();
  const size_t tokens = static_cast<size_t>(grid_.Tokens());
  cond_latent_ = static_cast<float*>(s.Scratch("cond_latent", tokens * 64 * sizeof(float)));
  cond_mask_ = static_cast<float*>(s.Scratch("cond_mask", tokens * 256 * sizeof(float)));
  EncodeImage(mask_, cond_latent_);
  LaunchPackMask(mask_, height_, width_, cond_mask_, s.stream());
}

// Gaussian noise for the seed; below strength 1, sigma * noise + (1 - sigma) * VAE(canvas) at
// the first step that runs (the scheduler's scale_noise).
void FluxDenoiser::StartLatent(uint64_t seed) {
  FluxSession& s = gpu_.session();
  const std::vector<float> sigmas = flux::Sigmas(params_.steps, width_, height_);
  sigmas_ = static_cast<float*>(s.Scratch("sigmas", sigmas.size() * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(sigmas_, sigmas.data(), sigmas.size() * sizeof(float), cudaMemcpyHostToDevice, s.stream()),
            "cudaMemcpyAsync");
  const size_t count = grid_.Size();
  std::vector<float> noise(count);
  flux::GaussianNoise(seed, noise.data(), count);
  x_ = static_cast<float*>(s.Scratch("x", count * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(x_, noise.data(), count * sizeof(float), cudaMemcpyHostToDevice, s.stream()), "cudaMemcpyAsync");
  if (first_step_ == 0) return;
  auto* noise_d = static_cast<float*>(s.Scratch("noise", count * sizeof(float)));
  CudaCheck(cudaMemcpyAsync(noise_d, x_, count * sizeof(float), cudaMemcpyDeviceToDevice, s.stream()), "cudaMemcpyAsync");
  auto* x0 = static_cast<float*>(s.Scratch("x0", count * sizeof(float)));
  EncodeImage(nullptr, x0);
  LaunchBlendNoise(x_, noise_d, x0, count, sigmas_, first_step_, s.stream());
}

// The canvas, masked or not, through the VAE encoder into the normalized packed latent.
void FluxDenoiser::EncodeImage(const float* mask, float* packed) {
  FluxSession& s = gpu_.session();
  const BoundTensor images = s.Input(FluxEngine::kVaeEncoder, "images", {1, 3, height_, width_});
  LaunchImageToTensor(rgb_, mask, height_, width_, images.data, images.element(), s.stream());
  const BoundTensor latent = s.Output(FluxEngine::kVaeEncoder, "latent");
  s.Enqueue(FluxEngine::kVaeEncoder);
  LaunchPackLatents(latent.data, latent.element(), grid_.height, grid_.width, packed, s.stream());
}

void FluxDenoiser::Loop(StepReporter& reporter, int canvas_width, int canvas_height) {
  FluxSession& s = gpu_.session();
  const cudaStream_t stream = s.stream();
  const FluxEngine t = transformer_;
  const bool fill = t == FluxEngine::kFillTransformer;
  const int tokens = grid_.Tokens();

  // The inputs that stay put for the whole loop.
  const BoundTensor hidden = s.Input(t, "hidden_states", {1, tokens, fill ? 384 : 64});
  Forward(s, FluxEngine::kT5, "text_embeddings", t, "encoder_hidden_states", {1, 512, 4096});
  Forward(s, FluxEngine::kClip, "pooled_embeddings", t, "pooled_projections", {1, 768});
  std::vector<float> img_ids(static_cast<size_t>(tokens) * 3);
  flux::ImageIds(grid_, img_ids.data());
  UploadFloats(img_ids, s.Input(t, "img_ids", {tokens, 3}), s, "img_ids");
  UploadFloats(std::vector<float>(512 * 3, 0.0f), s.Input(t, "txt_ids", {512, 3}), s, "txt_ids");
  UploadFloats({params_.guidance}, s.Input(t, "guidance", {1}), s, "guidance");
  // sigma_i is copied into the timestep's own buffer each step: TensorRT takes only 256-byte
  // aligned addresses, so the input cannot point into the sigma array.
  const BoundTensor timestep = s.Input(t, "timestep", {1});
  const BoundTensor velocity = s.Output(t, "latent");
  const size_t count = grid_.Size();

  // Step i is enqueued before waiting for step i - 1, so the GPU never idles for the host.
  EventPair done;
  // Previews go through pinned memory (so the copy does not stall the host), one buffer per
  // step parity, since step i's copy is enqueued before step i - 1's is read.
  const size_t preview_bytes = static_cast<size_t>(grid_.width) * grid_.height * 3;
  auto* preview = static_cast<uint8_t*>(s.Scratch("preview", preview_bytes));
  PinnedPair previews(preview_bytes);
  const int steps = params_.steps;
  const auto previews_after = [&](int i) {
    return params_.preview_every > 0 && (i + 1 - first_step_) % params_.preview_every == 0 && i + 1 < steps;
  };
  for (int i = first_step_; i <= steps; ++i) {
    if (i < steps) {
      if (fill) {
        LaunchConcatFillInput(x_, cond_latent_, cond_mask_, tokens, hidden.data, hidden.element(), stream);
      } else {
        LaunchConvert(x_, ElementType::kFloat, hidden.data, hidden.element(), count, stream);
      }
      LaunchConvert(sigmas_ + i, ElementType::kFloat, timestep.data, timestep.element(), 1, stream);
      s.Enqueue(t);
      LaunchEulerStep(x_, velocity.data, velocity.element(), count, sigmas_, i, stream);
      if (previews_after(i)) {
        LaunchLatentPreview(x_, grid_.height, grid_.width, preview, stream);
        CudaCheck(cudaMemcpyAsync(previews.buffers[i % 2], preview, preview_bytes, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
      }
      CudaCheck(cudaEventRecord(done.events[i % 2], stream), "cudaEventRecord");
    }
    if (i == first_step_) continue;
    // Step i - 1 has finished once its event has: report it (the reporter checks for cancellation).
    CudaCheck(cudaEventSynchronize(done.events[(i - 1) % 2]), "cudaEventSynchronize");
    reporter.Advance();
    if (previews_after(i - 1)) reporter.Preview(PreviewImage(previews.buffers[(i - 1) % 2], grid_, canvas_width, canvas_height));
  }
}

// Unpack, denormalize, VAE decode, to 8 bits, and crop the padding away.
Image FluxDenoiser::Decode(int canvas_width, int canvas_height) {
  FluxSession& s = gpu_.session();
  const cudaStream_t stream = s.stream();
  const BoundTensor latent = s.Input(FluxEngine::kVaeDecoder, "latent", {1, 16, grid_.height, grid_.width});
  LaunchUnpackLatents(x_, grid_.height, grid_.width, latent.data, latent.element(), stream);
  const BoundTensor images = s.Output(FluxEngine::kVaeDecoder, "images");
  s.Enqueue(FluxEngine::kVaeDecoder);
  LaunchTensorToImage(images.data, images.element(), height_, width_, rgb_, stream);
  Image generated(width_, height_, 3);
  CudaCheck(cudaMemcpyAsync(generated.pixels.data(), rgb_, generated.pixels.size(), cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
  CudaCheck(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return flux::CropImage(generated, canvas_width, canvas_height);
}

}  // namespace outpaint::gpu
