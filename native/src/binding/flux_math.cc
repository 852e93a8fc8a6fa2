#include "binding/flux_math.h"

#include <cmath>
#include <map>
#include <string>

#include "binding/js_errors.h"
#include "flux/euler_step.h"
#include "flux/flux_schedule.h"
#include "flux/initial_noise.h"
#include "flux/latent_layout.h"
#include "flux/latent_preview.h"
#include "flux/lora_merge.h"
#include "flux/safetensors.h"
#include "runtime/errors.h"

namespace outpaint::binding {
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

Napi::Float32Array FloatsArg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t length) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array ||
      value.As<Napi::Float32Array>().ElementLength() != length) {
    ThrowInvalidArgument(info.Env(), std::string("Expected a Float32Array of ") + std::to_string(length) + " values for " + name);
  }
  return value.As<Napi::Float32Array>();
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
  const Napi::Float32Array in = FloatsArg(info, 0, name, grid.Size());
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
  const Napi::Float32Array mask = FloatsArg(info, 0, "mask", size);
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
  const Napi::Float32Array x = FloatsArg(info, 0, "x", count);
  const Napi::Float32Array v = FloatsArg(info, 1, "v", count);
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
  const Napi::Float32Array packed = FloatsArg(info, 0, "packed", grid.Size());
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
  try {
    const flux::SafeTensorsFile file =
        flux::SafeTensorsFile::FromBytes(std::vector<uint8_t>(bytes.Data(), bytes.Data() + bytes.ByteLength()), "the LoRA");
    flux::AccumulateLoraDeltas(file, "the LoRA", weight, deltas);
  } catch (const NativeError& error) {
    throw MakeCodedError(env, error.code(), error.what());
  }
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

}  // namespace

Napi::Object FluxMathExports(Napi::Env env) {
  Napi::Object exports = Napi::Object::New(env);
  exports.Set("sigmas", Napi::Function::New<Sigmas>(env, "sigmas"));
  exports.Set("firstStep", Napi::Function::New<FirstStep>(env, "firstStep"));
  exports.Set("packLatents", Napi::Function::New<PackLatents>(env, "packLatents"));
  exports.Set("unpackLatents", Napi::Function::New<UnpackLatents>(env, "unpackLatents"));
  exports.Set("maskToLatentChannels", Napi::Function::New<MaskToLatentChannels>(env, "maskToLatentChannels"));
  exports.Set("imageIds", Napi::Function::New<ImageIds>(env, "imageIds"));
  exports.Set("eulerStep", Napi::Function::New<EulerStep>(env, "eulerStep"));
  exports.Set("gaussianNoise", Napi::Function::New<GaussianNoise>(env, "gaussianNoise"));
  exports.Set("previewLatents", Napi::Function::New<PreviewLatents>(env, "previewLatents"));
  exports.Set("loraDeltas", Napi::Function::New<LoraDeltas>(env, "loraDeltas"));
  return exports;
}

}  // namespace outpaint::binding
