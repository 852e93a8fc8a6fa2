#include "binding/baton.h"

#include <cmath>
#include <string>

#include "binding/js_errors.h"
#include "core/mask.h"
#include "runtime/errors.h"

namespace outpaint::binding {
namespace {

constexpr int kMaxSide = 65535;
constexpr int kMaxBlur = 1024;

Napi::Object ObjectField(const Napi::Object& parent, const char* name) {
  Napi::Value value = parent.Get(name);
  if (!value.IsObject()) ThrowInvalidArgument(parent.Env(), std::string("Expected an object for ") + name);
  return value.As<Napi::Object>();
}

int IntField(const Napi::Object& parent, const char* name, int min, int max) {
  Napi::Value value = parent.Get(name);
  const double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
  if (!(number >= min && number <= max) || std::floor(number) != number) {
    ThrowInvalidArgument(parent.Env(), "Expected an integer between " + std::to_string(min) + " and " +
                                           std::to_string(max) + " for " + name);
  }
  return static_cast<int>(number);
}

std::vector<int32_t> TokensField(const Napi::Object& parent, const char* name, size_t length) {
  const Napi::Value value = parent.Get(name);
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      value.As<Napi::Int32Array>().ElementLength() != length) {
    ThrowInvalidArgument(parent.Env(), std::string("Expected an Int32Array of ") + std::to_string(length) + " token ids for " + name);
  }
  const Napi::Int32Array ids = value.As<Napi::Int32Array>();
  return std::vector<int32_t>(ids.Data(), ids.Data() + length);
}

double NumberField(const Napi::Object& parent, const char* name, double min, double max) {
  const Napi::Value value = parent.Get(name);
  const double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
  if (!(number >= min && number <= max)) {
    ThrowInvalidArgument(parent.Env(), "Expected a number between " + std::to_string(min) + " and " + std::to_string(max) + " for " + name);
  }
  return number;
}

void ReadDenoise(const Napi::Value& value, DenoiseParams& denoise) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) ThrowInvalidArgument(env, "Expected an object for denoise");
  const Napi::Object object = value.As<Napi::Object>();
  denoise.t5_tokens = TokensField(object, "t5Tokens", 512);
  denoise.clip_tokens = TokensField(object, "clipTokens", 77);
  denoise.steps = IntField(object, "steps", 1, 150);
  denoise.guidance = static_cast<float>(NumberField(object, "guidance", 0, 100));
  denoise.strength = NumberField(object, "strength", 0, 1);
  denoise.preview_every = IntField(object, "previewEvery", 0, 150);
  const Napi::Value loras = object.Get("loras");
  if (!loras.IsArray()) ThrowInvalidArgument(env, "Expected an array for denoise.loras");
  const Napi::Array list = loras.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    const Napi::Value item = list.Get(i);
    if (!item.IsObject()) ThrowInvalidArgument(env, "Expected { path, weight } for each of denoise.loras");
    const Napi::Object lora = item.As<Napi::Object>();
    if (!lora.Get("path").IsString()) ThrowInvalidArgument(env, "Expected a string for denoise.loras[].path");
    denoise.loras.push_back({lora.Get("path").As<Napi::String>().Utf8Value(), static_cast<float>(NumberField(lora, "weight", -10, 10))});
  }
}

// An image field { data, width, height, channels }, read in place: `source` keeps its buffer.
ImageView ReadImage(const Napi::Object& parent, const char* name, Napi::Reference<Napi::Uint8Array>& source) {
  Napi::Env env = parent.Env();
  const Napi::Object image = ObjectField(parent, name);
  const Napi::Value data = image.Get("data");
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowInvalidArgument(env, std::string("Expected a Buffer or Uint8Array for ") + name + ".data");
  }
  const Napi::Uint8Array pixels = data.As<Napi::Uint8Array>();
  ImageView view;
  view.width = IntField(image, "width", 1, kMaxSide);
  view.height = IntField(image, "height", 1, kMaxSide);
  view.channels = IntField(image, "channels", 1, 4);
  if (pixels.ByteLength() != static_cast<size_t>(view.width) * view.height * view.channels) {
    ThrowInvalidArgument(env, std::string("Expected ") + name + ".data to hold width * height * channels bytes");
  }
  view.pixels = pixels.Data();
  source = Napi::Persistent(pixels);
  return view;
}

}  // namespace

void ReadOutpaintBaton(const Napi::Value& value, OutpaintBaton& baton) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) ThrowInvalidArgument(env, "Expected an outpaint request object");
  const Napi::Object request = value.As<Napi::Object>();

  OutpaintParams& params = baton.request.outpaint;
  params.original = ReadImage(request, "original", baton.source);

  const Napi::Object placement = ObjectField(request, "placement");
  Placement& p = params.placement;
  p.canvas_width = IntField(placement, "canvasWidth", 1, kMaxSide);
  p.canvas_height = IntField(placement, "canvasHeight", 1, kMaxSide);
  p.x = IntField(placement, "x", 0, kMaxSide);
  p.y = IntField(placement, "y", 0, kMaxSide);
  p.width = params.original.width;
  p.height = params.original.height;
  if (p.Right() > p.canvas_width || p.Bottom() > p.canvas_height) {
    ThrowInvalidArgument(env, "Expected the original to lie inside the canvas");
  }

  const Napi::Value infill = request.Get("infill");
  if (!infill.IsString()) ThrowInvalidArgument(env, "Expected a string for infill");
  try {
    params.infill = ParseInfillMethod(infill.As<Napi::String>().Utf8Value());
  } catch (const NativeError& error) {
    ThrowInvalidArgument(env, error.what());
  }
  params.blur = IntField(request, "blur", 0, kMaxBlur);
  if (KnownRect(p, params.blur).Empty()) {
    ThrowInvalidArgument(env, "Expected a blur that leaves part of the original outside the feather band");
  }
  params.seed = static_cast<uint64_t>(IntField(request, "seed", 0, 2147483647));

  const Napi::Value denoise = request.Get("denoise");
  if (!denoise.IsUndefined()) ReadDenoise(denoise, baton.request.denoise);
}

void ReadGenerateBaton(const Napi::Value& value, GenerateBaton& baton) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) ThrowInvalidArgument(env, "Expected a generate request object");
  const Napi::Object request = value.As<Napi::Object>();
  GenerateParams& params = baton.request.generate;
  params.width = IntField(request, "width", 1, kMaxSide);
  params.height = IntField(request, "height", 1, kMaxSide);
  params.seed = static_cast<uint64_t>(IntField(request, "seed", 0, 2147483647));
  if (!request.Get("init").IsUndefined()) {
    params.init = ReadImage(request, "init", baton.source);
    if (params.init.width != params.width || params.init.height != params.height) {
      ThrowInvalidArgument(env, "Expected init to be width x height");
    }
  }
  ReadDenoise(request.Get("denoise"), baton.request.denoise);
}

}  // namespace outpaint::binding
