#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>

#include "runtime/errors.h"

namespace outpaint::gpu {

// Throws NativeError CUDA_ERROR naming the call and CUDA's own words.
inline void CudaCheck(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw NativeError("CUDA_ERROR", std::string(what) + " failed: " + cudaGetErrorName(status) + " (" +
                                        cudaGetErrorString(status) + ")");
  }
}

// Device memory that grows to the largest size asked of it and is freed with its owner.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (data_ != nullptr) cudaFree(data_);
  }

  void* Reserve(size_t bytes) {
    if (bytes > capacity_) {
      if (data_ != nullptr) CudaCheck(cudaFree(data_), "cudaFree");
      data_ = nullptr;
      capacity_ = 0;
      CudaCheck(cudaMalloc(&data_, bytes), "cudaMalloc");
      capacity_ = bytes;
    }
    return data_;
  }
  void* data() const { return data_; }
  size_t capacity() const { return capacity_; }

 private:
  void* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace outpaint::gpu
