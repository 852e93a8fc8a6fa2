#include "testing/js_values.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "binding/js_errors.h"

namespace outpaint::testing {

Image ImageFromJs(const Napi::Value& value, const char* name) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) binding::ThrowInvalidArgument(env, std::string("Expected an image for ") + name);
  const Napi::Object object = value.As<Napi::Object>();
  const auto field = [&](const char* key) {
    const Napi::Value v = object.Get(key);
    return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : 0;
  };
  const int width = field("width"), height = field("height");
  const int channels = object.Get("channels").IsUndefined() ? 1 : field("channels");
  const Napi::Value data = object.Get("data");
  if (width < 1 || height < 1 || channels < 1 || channels > 4 || !data.IsTypedArray() ||
      data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      data.As<Napi::Uint8Array>().ByteLength() != static_cast<size_t>(width) * height * channels) {
    binding::ThrowInvalidArgument(env, std::string("Expected { data, width, height, channels } with matching bytes for ") + name);
  }
  Image image(width, height, channels);
  const Napi::Uint8Array bytes = data.As<Napi::Uint8Array>();
  std::copy(bytes.Data(), bytes.Data() + bytes.ByteLength(), image.pixels.begin());
  return image;
}

Napi::Object ImageToJs(Napi::Env env, const Image& image) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("data", Napi::Buffer<uint8_t>::Copy(env, image.pixels.data(), image.pixels.size()));
  out.Set("width", image.width);
  out.Set("height", image.height);
  out.Set("channels", image.channels);
  return out;
}

Napi::Object Functions(Napi::Env env, std::initializer_list<NamedFunction> functions) {
  Napi::Object exports = Napi::Object::New(env);
  for (const auto& [name, function] : functions) exports.Set(name, Napi::Function::New(env, function, name));
  return exports;
}

template <typename T>
Napi::TypedArrayOf<T> ArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t length) {
  constexpr bool kFloat = std::is_same_v<T, float>;
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != (kFloat ? napi_float32_array : napi_uint8_array) ||
      value.As<Napi::TypedArrayOf<T>>().ElementLength() != length) {
    binding::ThrowInvalidArgument(info.Env(), std::string(kFloat ? "Expected a Float32Array of " : "Expected a Uint8Array of ") +
                                                  std::to_string(length) + (kFloat ? " values for " : " bytes for ") + name);
  }
  return value.As<Napi::TypedArrayOf<T>>();
}

template Napi::TypedArrayOf<float> ArrayArg<float>(const Napi::CallbackInfo&, size_t, const char*, size_t);
template Napi::TypedArrayOf<uint8_t> ArrayArg<uint8_t>(const Napi::CallbackInfo&, size_t, const char*, size_t);

}  // namespace outpaint::testing
