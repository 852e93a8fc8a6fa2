#include "gpu/trt_logger.h"

#include <cstdio>

namespace outpaint::gpu {

void TrtLogger::log(Severity severity, const char* message) noexcept {
  if (severity > Severity::kWARNING) return;
  std::fprintf(stderr, "[tensorrt] %s\n", message);
  if (severity <= Severity::kERROR) {
    std::lock_guard<std::mutex> lock(mutex_);
    last_error_ = message;
  }
}

std::string TrtLogger::TakeLastError() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string error;
  error.swap(last_error_);
  return error;
}

}  // namespace outpaint::gpu
