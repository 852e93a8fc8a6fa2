#pragma once

#include <stdexcept>
#include <string>

namespace outpaint {

// An error with a stable code that the JavaScript layer turns into a typed error.
class NativeError : public std::runtime_error {
 public:
  NativeError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

inline NativeError CancelledError() { return NativeError("CANCELLED", "The task was cancelled"); }

}  // namespace outpaint
