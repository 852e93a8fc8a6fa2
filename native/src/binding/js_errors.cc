#include "binding/js_errors.h"

namespace outpaint::binding {

Napi::Error MakeCodedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

void ThrowInvalidArgument(Napi::Env env, const std::string& message) {
  throw MakeCodedError(env, "INVALID_ARGUMENT", message);
}

}  // namespace outpaint::binding
