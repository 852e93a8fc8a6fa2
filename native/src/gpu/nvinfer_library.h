#pragma once

#include <NvInferRuntime.h>

#include <string>

namespace outpaint::gpu {

// libnvinfer, loaded at run time: the addon is compiled against TensorRT's public headers but
// not linked with it. createInferRuntime() and createInferRefitter() are inline wrappers over
// the library's exported createInferRuntime_INTERNAL / createInferRefitter_INTERNAL, which are
// looked up here; everything else is virtual calls through the interfaces they return. The
// library's major version must be the headers' (engines are tied to one TensorRT version):
// TensorRT 10 and 11 both build and load (docs/gpu.md), each as its own build. When the
// library cannot be used, the message says which major this build expects and which it found.
class NvInferLibrary {
 public:
  // The process's library, loaded on first use. Throws NativeError BACKEND_UNAVAILABLE.
  static NvInferLibrary& Get();
  // Why the library cannot be loaded, or "" when it can.
  static std::string Problem();

  nvinfer1::IRuntime* CreateRuntime(nvinfer1::ILogger& logger) const;
  nvinfer1::IRefitter* CreateRefitter(nvinfer1::ICudaEngine& engine, nvinfer1::ILogger& logger) const;
  // "10.16.0" or "11.1.0" from getInferLibVersion().
  const std::string& version() const { return version_; }

 private:
  NvInferLibrary() = default;
  using CreateRuntimeFn = void* (*)(void*, int32_t);
  using CreateRefitterFn = void* (*)(void*, void*, int32_t);
  CreateRuntimeFn create_runtime_ = nullptr;
  CreateRefitterFn create_refitter_ = nullptr;
  std::string version_;
};

// The soname this build loads: libnvinfer.so.<NV_TENSORRT_MAJOR>.
std::string NvInferSoname();

}  // namespace outpaint::gpu
