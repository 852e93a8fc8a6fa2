#pragma once

#include <napi.h>

#include <initializer_list>
#include <utility>

#include "binding/js_errors.h"
#include "core/image.h"
#include "runtime/errors.h"

namespace outpaint::testing {

// { data: Uint8Array, width, height, channels } to an Image (copied), and back (as a Buffer).
Image ImageFromJs(const Napi::Value& value, const char* name);
Napi::Object ImageToJs(Napi::Env env, const Image& image);

// An object of named functions: the exports of one group of hooks.
using NamedFunction = std::pair<const char*, Napi::Value (*)(const Napi::CallbackInfo&)>;
Napi::Object Functions(Napi::Env env, std::initializer_list<NamedFunction> functions);

// A typed array argument of `length` elements: Float32Array for float, Uint8Array for uint8_t.
template <typename T>
Napi::TypedArrayOf<T> ArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t length);

// run(), with a NativeError it throws turned into a JS error carrying its code.
template <typename Run>
auto Guarded(Napi::Env env, Run run) {
  try {
    return run();
  } catch (const NativeError& error) {
    throw binding::MakeCodedError(env, error.code(), error.what());
  }
}

}  // namespace outpaint::testing
