#include "gpu/nvinfer_library.h"

#include <dlfcn.h>

#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

struct LoadResult {
  NvInferLibrary* library = nullptr;
  std::string problem;
};

// getInferLibVersion() = major * 10000 + minor * 100 + patch in TensorRT 10 and 11
// (NV_TENSORRT_VERSION_INT in NvInferRuntimeBase.h).
std::string VersionText(int32_t number) {
  return std::to_string(number / 10000) + "." + std::to_string(number / 100 % 100) + "." + std::to_string(number % 100);
}

// The TensorRT libraries of other majors this process could load instead, for the message.
std::string OtherMajorsFound() {
  std::string found;
  for (int major = 8; major <= 16; ++major) {
    if (major == NV_TENSORRT_MAJOR) continue;
    const std::string soname = "libnvinfer.so." + std::to_string(major);
    void* handle = dlopen(soname.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (handle == nullptr) continue;
    auto version = reinterpret_cast<int32_t (*)()>(dlsym(handle, "getInferLibVersion"));
    found += (found.empty() ? "" : ", ") + std::string("TensorRT ") + (version ? VersionText(version()) : std::to_string(major)) +
             " (" + soname + ")";
    dlclose(handle);
  }
  return found;
}

std::string Expected() {
  return "this addon was built with TensorRT " + std::to_string(NV_TENSORRT_MAJOR) + "'s headers and loads " + NvInferSoname();
}

}  // namespace

std::string NvInferSoname() { return "libnvinfer.so." + std::to_string(NV_TENSORRT_MAJOR); }

NvInferLibrary& NvInferLibrary::Get() {
  static const LoadResult loaded = []() -> LoadResult {
    const std::string soname = NvInferSoname();
    void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* error = dlerror();
      const std::string why = error ? error : "unknown";  // before the next dlopen overwrites it
      const std::string others = OtherMajorsFound();
      return {nullptr, Expected() + ", which could not be loaded (" + why + "); found " +
                           (others.empty() ? "no other TensorRT" : others) + ": install TensorRT " +
                           std::to_string(NV_TENSORRT_MAJOR) + " and put its lib directory on LD_LIBRARY_PATH" +
                           (others.empty() ? "" : ", or rebuild the addon with TENSORRT_ROOT set to the TensorRT found") +
                           " (docs/gpu.md)"};
    }
    auto* library = new NvInferLibrary();  // lives as long as the process, as the library does
    library->create_runtime_ = reinterpret_cast<CreateRuntimeFn>(dlsym(handle, "createInferRuntime_INTERNAL"));
    library->create_refitter_ = reinterpret_cast<CreateRefitterFn>(dlsym(handle, "createInferRefitter_INTERNAL"));
    auto version = reinterpret_cast<int32_t (*)()>(dlsym(handle, "getInferLibVersion"));
    if (library->create_runtime_ == nullptr || library->create_refitter_ == nullptr || version == nullptr) {
      delete library;
      return {nullptr, soname + " does not export createInferRuntime_INTERNAL, createInferRefitter_INTERNAL and getInferLibVersion"};
    }
    const int32_t number = version();
    library->version_ = VersionText(number);
    if (number / 10000 != NV_TENSORRT_MAJOR) {
      const std::string problem = Expected() + ", but that library is TensorRT " + library->version_ + ": install TensorRT " +
                                  std::to_string(NV_TENSORRT_MAJOR) + " or rebuild the addon against TensorRT " +
                                  std::to_string(number / 10000) + "'s headers (docs/gpu.md)";
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
