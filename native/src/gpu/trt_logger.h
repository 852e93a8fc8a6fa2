#pragma once

#include <NvInferRuntime.h>

#include <mutex>
#include <string>

namespace outpaint::gpu {

// TensorRT's log: warnings and errors go to stderr; the last error is kept so a failed call can
// say what TensorRT said about it.
class TrtLogger final : public nvinfer1::ILogger {
 public:
  void log(Severity severity, const char* message) noexcept override;
  // The last error since the previous call, or "".
  std::string TakeLastError();

 private:
  std::mutex mutex_;
  std::string last_error_;
};

}  // namespace outpaint::gpu
