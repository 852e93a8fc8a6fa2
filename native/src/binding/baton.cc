#include "binding/baton.h"

#include <cmath>
#include <string>

#include "binding/js_errors.h"
#include "core/mask.h"
#include "runtime/errors.h"

namespace outpaint::binding {
namespace {

constexpr int kMaxSide = 65535;
constexpr int kMaxFeather = 1024;

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

}  // namespace

void ReadOutpaintBaton(const Napi::Value& value, OutpaintBaton& baton) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) ThrowInvalidArgument(env, "Expected an outpaint request object");
  const Napi::Object request = value.As<Napi::Object>();

  const Napi::Object original = ObjectField(request, "original");
  const Napi::Value data = original.Get("data");
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowInvalidArgument(env, "Expected a Buffer or Uint8Array for original.data");
  }
  const Napi::Uint8Array pixels = data.As<Napi::Uint8Array>();
  ImageView& view = baton.params.original;
  view.width = IntField(original, "width", 1, kMaxSide);
  view.height = IntField(original, "height", 1, kMaxSide);
  view.channels = IntField(original, "channels", 1, 4);
  if (pixels.ByteLength() != static_cast<size_t>(view.width) * view.height * view.channels) {
    ThrowInvalidArgument(env, "Expected original.data to hold width * height * channels bytes");
  }
  view.pixels = pixels.Data();
  baton.source = Napi::Persistent(pixels);

  const Napi::Object placement = ObjectField(request, "placement");
  Placement& p = baton.params.placement;
  p.canvas_width = IntField(placement, "canvasWidth", 1, kMaxSide);
  p.canvas_height = IntField(placement, "canvasHeight", 1, kMaxSide);
  p.x = IntField(placement, "x", 0, kMaxSide);
  p.y = IntField(placement, "y", 0, kMaxSide);
  p.width = view.width;
  p.height = view.height;
  if (p.Right() > p.canvas_width || p.Bottom() > p.canvas_height) {
    ThrowInvalidArgument(env, "Expected the original to lie inside the canvas");
  }

  const Napi::Value infill = request.Get("infill");
  if (!infill.IsString()) ThrowInvalidArgument(env, "Expected a string for infill");
  try {
    baton.params.infill = ParseInfillMethod(infill.As<Napi::String>().Utf8Value());
  } catch (const NativeError& error) {
    ThrowInvalidArgument(env, error.what());
  }
  baton.params.feather = IntField(request, "feather", 0, kMaxFeather);
  if (KnownRect(p, baton.params.feather).Empty()) {
    ThrowInvalidArgument(env, "Expected a feather that leaves part of the original outside the band");
  }
  baton.params.seed = static_cast<uint64_t>(IntField(request, "seed", 0, 2147483647));
}

}  // namespace outpaint::binding
