#include "gpu/nvinfer_library.h"

#include <dlfcn.h>

#include <mutex>

#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

struct LoadResult {
  NvInferLibrary* library = nullptr;
  std::string problem;
};

}  // namespace

std::string NvInferSoname() { return "libnvinfer.so." + std::to_string(NV_TENSORRT_MAJOR); }

NvInferLibrary& NvInferLibrary::Get() {
  static const LoadResult loaded = []() -> LoadResult {
    const std::string soname = NvInferSoname();
    void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      return {nullptr, soname + " could not be loaded (" + (why ? why : "unknown") +
                           "): install TensorRT " + std::to_string(NV_TENSORRT_MAJOR) +
                           " and put its lib directory on LD_LIBRARY_PATH"};
    }
    auto* library = new NvInferLibrary();  // lives as long as the process, as the library does
    library->create_runtime_ = reinterpret_cast<CreateRuntimeFn>(dlsym(handle, "createInferRuntime_INTERNAL"));
    library->create_refitter_ = reinterpret_cast<CreateRefitterFn>(dlsym(handle, "createInferRefitter_INTERNAL"));
    auto version = reinterpret_cast<int32_t (*)()>(dlsym(handle, "getInferLibVersion"));
    if (library->create_runtime_ == nullptr || library->create_refitter_ == nullptr || version == nullptr) {
      delete library;
      return {nullptr, soname + " does not export createInferRuntime_INTERNAL, createInferRefitter_INTERNAL and getInferLibVersion"};
    }
    // getInferLibVersion() = major * 10000 + minor * 100 + patch (TensorRT 10's encoding).
    const int32_t number = version();
    const int major = number / 10000;
    library->version_ = std::to_string(major) + "." + std::to_string(number / 100 % 100) + "." + std::to_string(number % 100);
    if (major != NV_TENSORRT_MAJOR) {
      const std::string problem = soname + " reports TensorRT " + library->version_ + " but the addon was built for " +
                                  std::to_string(NV_TENSORRT_MAJOR) + ".x";
      delete library;
      return {nullptr, problem};
    }
    return {library, ""};
  }();
  if (loaded.library == nullptr) throw NativeError("BACKEND_UNAVAILABLE", loaded.problem);
  return *loaded.library;
}

std::string NvInferLibrary::Problem() {
  try {
    Get();
    return "";
  } catch (const NativeError& error) {
    return error.what();
  }
}

nvinfer1::IRuntime* NvInferLibrary::CreateRuntime(nvinfer1::ILogger& logger) const {
  return static_cast<nvinfer1::IRuntime*>(create_runtime_(&logger, NV_TENSORRT_VERSION));
}

nvinfer1::IRefitter* NvInferLibrary::CreateRefitter(nvinfer1::ICudaEngine& engine, nvinfer1::ILogger& logger) const {
  return static_cast<nvinfer1::IRefitter*>(create_refitter_(&engine, &logger, NV_TENSORRT_VERSION));
}

}  // namespace outpaint::gpu
