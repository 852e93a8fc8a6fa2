#pragma once

#include <napi.h>

#include <string>

namespace outpaint::binding {

// A JS Error whose `code` property carries the native error code.
Napi::Error MakeCodedError(Napi::Env env, const std::string& code, const std::string& message);

// Throws a coded error for an argument the TypeScript layer should never have let through.
[[noreturn]] void ThrowInvalidArgument(Napi::Env env, const std::string& message);

}  // namespace outpaint::binding
