#include "testing/flux_math.h"

#include <cmath>
#include <map>
#include <string>

#include "binding/js_errors.h"
#include "flux/euler_step.h"
#include "flux/flux_schedule.h"
#include "flux/image_tensor.h"
#include "flux/initial_noise.h"
#include "flux/latent_layout.h"
#include "flux/latent_preview.h"
#include "flux/lora_merge.h"
#include "flux/padding.h"
#include "flux/safetensors.h"
#include "testing/js_values.h"
#include "runtime/errors.h"

namespace outpaint::testing {

using binding::ThrowInvalidArgument;
namespace {

constexpr int kMaxExtent = 1 << 14;

int IntArg(const Napi::CallbackInfo& info, size_t index, const char* name, int min, int max) {
  const double value = info[index].IsNumber() ? info[index].As<Napi::Number>().DoubleValue() : NAN;
  if (!(value >= min && value <= max) || std::floor(value) != value) {
    ThrowInvalidArgument(info.Env(), "Expected an integer between " + std::to_string(min) + " and " + std::to_string(max) +
                                         " for " + name);
  }
  return static_cast<int>(value);
}

double NumberArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsNumber()) ThrowInvalidArgument(info.Env(), std::string("Expected a number for ") + name);
  return info[index].As<Napi::Number>().DoubleValue();
}

// Latent grid from (channels, height, width) arguments; height and width even.
flux::LatentGrid GridArgs(const Napi::CallbackInfo& info, size_t first) {
  flux::LatentGrid grid;
  grid.channels = IntArg(info, first, "channels", 1, 1024);
  grid.height = IntArg(info, first + 1, "height", 2, kMaxExtent);
  grid.width = IntArg(info, first + 2, "width", 2, kMaxExtent);
  if (grid.height % 2 != 0 || grid.width % 2 != 0) ThrowInvalidArgument(info.Env(), "Expected an even latent height and width");
  return grid;
}

Napi::Value Sigmas(const Napi::CallbackInfo& info) {
  const int steps = IntArg(info, 0, "steps", 1, 1000);
  const int width = IntArg(info, 1, "width", 16, kMaxExtent);
  const int height = IntArg(info, 2, "height", 16, kMaxExtent);
  const std::vector<float> sigmas = flux::Sigmas(steps, width, height);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), sigmas.size());
  std::copy(sigmas.begin(), sigmas.end(), out.Data());
  return out;
}

Napi::Value FirstStep(const Napi::CallbackInfo& info) {
  const int steps = IntArg(info, 0, "steps", 1, 1000);
  const double strength = NumberArg(info, 1, "strength");
  if (!(strength >= 0 && strength <= 1)) ThrowInvalidArgument(info.Env(), "Expected a number between 0 and 1 for strength");
  return Napi::Number::New(info.Env(), flux::FirstStep(steps, strength));
}

// A layout change of one latent (argument 0, named `name`) over the grid given by the next arguments.
Napi::Value Relayout(const Napi::CallbackInfo& info, const char* name, void (*relayout)(const float*, const flux::LatentGrid&, float*)) {
  const flux::LatentGrid grid = GridArgs(info, 1);
  const Napi::Float32Array in = ArrayArg<float>(info, 0, name, grid.Size());
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), grid.Size());
  relayout(in.Data(), grid, out.Data());
  return out;
}

Napi::Value PackLatents(const Napi::CallbackInfo& info) { return Relayout(info, "latent", flux::PackLatents); }

Napi::Value UnpackLatents(const Napi::CallbackInfo& info) { return Relayout(info, "packed", flux::UnpackLatents); }

Napi::Value MaskToLatentChannels(const Napi::CallbackInfo& info) {
  const int height = IntArg(info, 1, "height", 8, kMaxExtent);
  const int width = IntArg(info, 2, "width", 8, kMaxExtent);
  if (height % 8 != 0 || width % 8 != 0) ThrowInvalidArgument(info.Env(), "Expected a mask height and width that are multiples of 8");
  const size_t size = static_cast<size_t>(height) * width;
  const Napi::Float32Array mask = ArrayArg<float>(info, 0, "mask", size);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), size);
  flux::MaskToLatentChannels(mask.Data(), height, width, out.Data());
  return out;
}

Napi::Value ImageIds(const Napi::CallbackInfo& info) {
  flux::LatentGrid grid;
  grid.height = IntArg(info, 0, "height", 2, kMaxExtent);
  grid.width = IntArg(info, 1, "width", 2, kMaxExtent);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), static_cast<size_t>(grid.Tokens()) * 3);
  flux::ImageIds(grid, out.Data());
  return out;
}

Napi::Value EulerStep(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) ThrowInvalidArgument(info.Env(), "Expected a Float32Array for x");
  const size_t count = info[0].As<Napi::TypedArray>().ElementLength();
  const Napi::Float32Array x = ArrayArg<float>(info, 0, "x", count);
  const Napi::Float32Array v = ArrayArg<float>(info, 1, "v", count);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), count);
  std::copy(x.Data(), x.Data() + count, out.Data());
  flux::EulerStep(out.Data(), v.Data(), count, static_cast<float>(NumberArg(info, 2, "sigma")),
                  static_cast<float>(NumberArg(info, 3, "sigmaNext")));
  return out;
}

Napi::Value GaussianNoise(const Napi::CallbackInfo& info) {
  const int seed = IntArg(info, 0, "seed", 0, 2147483647);
  const int count = IntArg(info, 1, "count", 0, 1 << 26);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), count);
  flux::GaussianNoise(static_cast<uint64_t>(seed), out.Data(), count);
  return out;
}

Napi::Value PreviewLatents(const Napi::CallbackInfo& info) {
  const flux::LatentGrid grid = GridArgs(info, 1);
  if (grid.channels != flux::kLatentChannels) ThrowInvalidArgument(info.Env(), "Expected 16 latent channels");
  const Napi::Float32Array packed = ArrayArg<float>(info, 0, "packed", grid.Size());
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(info.Env(), static_cast<size_t>(grid.height) * grid.width * 3);
  flux::PreviewLatents(packed.Data(), grid, out.Data());
  return out;
}

// loraDeltas(safetensorsBytes, weight) -> { "<module>.weight": { rows, cols, values } }
Napi::Value LoraDeltas(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowInvalidArgument(env, "Expected a Buffer for bytes");
  }
  const Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  const float weight = static_cast<float>(NumberArg(info, 1, "weight"));
  std::map<std::string, flux::WeightDelta> deltas;
  Guarded(env, [&] {
    const flux::SafeTensorsFile file =
        flux::SafeTensorsFile::FromBytes(std::vector<uint8_t>(bytes.Data(), bytes.Data() + bytes.ByteLength()), "the LoRA");
    flux::AccumulateLoraDeltas(file, "the LoRA", weight, deltas);
  });
  Napi::Object out = Napi::Object::New(env);
  for (const auto& [name, delta] : deltas) {
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("rows", static_cast<double>(delta.rows));
    entry.Set("cols", static_cast<double>(delta.cols));
    Napi::Float32Array values = Napi::Float32Array::New(env, delta.values.size());
    std::copy(delta.values.begin(), delta.values.end(), values.Data());
    entry.Set("values", values);
    out.Set(name, entry);
  }
  return out;
}

// imageToTensor(rgb [H*W*3], mask [H*W] | null, height, width) -> [3*H*W]
Napi::Value ImageToTensor(const Napi::CallbackInfo& info) {
  const int height = IntArg(info, 2, "height", 1, kMaxExtent);
  const int width = IntArg(info, 3, "width", 1, kMaxExtent);
  const size_t pixels = static_cast<size_t>(height) * width;
  const Napi::Uint8Array rgb = ArrayArg<uint8_t>(info, 0, "rgb", pixels * 3);
  const float* mask = info[1].IsNull() ? nullptr : ArrayArg<float>(info, 1, "mask", pixels).Data();
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), pixels * 3);
  flux::ImageToTensor(rgb.Data(), mask, height, width, out.Data());
  return out;
}

// tensorToImage(image [3*H*W], height, width) -> RGB bytes [H*W*3]
Napi::Value TensorToImage(const Napi::CallbackInfo& info) {
  const int height = IntArg(info, 1, "height", 1, kMaxExtent);
  const int width = IntArg(info, 2, "width", 1, kMaxExtent);
  const size_t pixels = static_cast<size_t>(height) * width;
  const Napi::Float32Array image = ArrayArg<float>(info, 0, "image", pixels * 3);
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(info.Env(), pixels * 3);
  flux::TensorToImage(image.Data(), height, width, out.Data());
  return out;
}

// concatFillInput(x [L*64], maskedLatent [L*64], mask [L*256], tokens) -> [L*384]
Napi::Value ConcatFillInput(const Napi::CallbackInfo& info) {
  const int tokens = IntArg(info, 3, "tokens", 1, 1 << 20);
  const size_t n = static_cast<size_t>(tokens);
  const Napi::Float32Array x = ArrayArg<float>(info, 0, "x", n * 64);
  const Napi::Float32Array masked = ArrayArg<float>(info, 1, "maskedLatent", n * 64);
  const Napi::Float32Array mask = ArrayArg<float>(info, 2, "mask", n * 256);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), n * 384);
  flux::ConcatFillInput(x.Data(), masked.Data(), mask.Data(), tokens, out.Data());
  return out;
}

// binarizeMask(mask bytes) -> Float32Array of 0 and 1
Napi::Value BinarizeMask(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) ThrowInvalidArgument(info.Env(), "Expected a Uint8Array for mask");
  const size_t count = info[0].As<Napi::TypedArray>().ElementLength();
  const Napi::Uint8Array mask = ArrayArg<uint8_t>(info, 0, "mask", count);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), count);
  flux::BinarizeMask(mask.Data(), count, out.Data());
  return out;
}

// normalizeLatent(values) / denormalizeLatent(values) -> a new Float32Array
Napi::Value ScaleLatent(const Napi::CallbackInfo& info, void (*scale)(float*, size_t)) {
  if (!info[0].IsTypedArray()) ThrowInvalidArgument(info.Env(), "Expected a Float32Array for values");
  const size_t count = info[0].As<Napi::TypedArray>().ElementLength();
  const Napi::Float32Array values = ArrayArg<float>(info, 0, "values", count);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), count);
  std::copy(values.Data(), values.Data() + count, out.Data());
  scale(out.Data(), count);
  return out;
}

Napi::Value NormalizeLatent(const Napi::CallbackInfo& info) { return ScaleLatent(info, flux::NormalizeLatent); }

Napi::Value DenormalizeLatent(const Napi::CallbackInfo& info) { return ScaleLatent(info, flux::DenormalizeLatent); }

// blendNoise(noise, x0, sigma) -> sigma * noise + (1 - sigma) * x0
Napi::Value BlendNoise(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) ThrowInvalidArgument(info.Env(), "Expected a Float32Array for noise");
  const size_t count = info[0].As<Napi::TypedArray>().ElementLength();
  const Napi::Float32Array noise = ArrayArg<float>(info, 0, "noise", count);
  const Napi::Float32Array x0 = ArrayArg<float>(info, 1, "x0", count);
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), count);
  flux::BlendNoise(out.Data(), noise.Data(), x0.Data(), count, static_cast<float>(NumberArg(info, 2, "sigma")));
  return out;
}

// padImage(image) -> image padded to multiples of 16; padMask({ data, width, height }) likewise;
// cropImage(image, width, height).
Napi::Value PadImage(const Napi::CallbackInfo& info) {
  return ImageToJs(info.Env(), flux::PadImage(ImageFromJs(info[0], "image")));
}

Napi::Value PadMask(const Napi::CallbackInfo& info) {
  const Image bytes = ImageFromJs(info[0], "mask");
  if (bytes.channels != 1) ThrowInvalidArgument(info.Env(), "Expected a mask of 1 channel");
  Mask mask(bytes.width, bytes.height, 0);
  mask.values = bytes.pixels;
  const Mask padded = flux::PadMask(mask);
  Image out(padded.width, padded.height, 1);
  out.pixels = padded.values;
  return ImageToJs(info.Env(), out);
}

Napi::Value CropImage(const Napi::CallbackInfo& info) {
  const Image image = ImageFromJs(info[0], "image");
  const int width = IntArg(info, 1, "width", 1, image.width);
  const int height = IntArg(info, 2, "height", 1, image.height);
  return ImageToJs(info.Env(), flux::CropImage(image, width, height));
}

}  // namespace

Napi::Object FluxMathExports(Napi::Env env) {
  return Functions(env, {{"sigmas", Sigmas},
                         {"firstStep", FirstStep},
                         {"packLatents", PackLatents},
                         {"unpackLatents", UnpackLatents},
                         {"maskToLatentChannels", MaskToLatentChannels},
                         {"imageIds", ImageIds},
                         {"eulerStep", EulerStep},
                         {"gaussianNoise", GaussianNoise},
                         {"previewLatents", PreviewLatents},
                         {"loraDeltas", LoraDeltas},
                         {"imageToTensor", ImageToTensor},
                         {"tensorToImage", TensorToImage},
                         {"concatFillInput", ConcatFillInput},
                         {"binarizeMask", BinarizeMask},
                         {"normalizeLatent", NormalizeLatent},
                         {"denormalizeLatent", DenormalizeLatent},
                         {"blendNoise", BlendNoise},
                         {"padImage", PadImage},
                         {"padMask", PadMask},
                         {"cropImage", CropImage}});
}

}  // namespace outpaint::testing
