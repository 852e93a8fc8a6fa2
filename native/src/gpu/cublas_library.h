#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstdint>

namespace outpaint::gpu {

// cuBLAS, opened at run time (libcublas.so.<CUBLAS_VER_MAJOR> of the headers built with), as
// libnvinfer is: only LoRA refits use it, so the addon loads and runs without it.
class Cublas {
 public:
  // A handle whose work goes on `stream`. Throws NativeError BACKEND_UNAVAILABLE when the library
  // cannot be loaded, CUDA_ERROR when it cannot start.
  explicit Cublas(cudaStream_t stream);
  ~Cublas();
  Cublas(const Cublas&) = delete;
  Cublas& operator=(const Cublas&) = delete;

  // c += alpha * (b a) in fp32, all row-major: b [rows, rank], a [rank, cols], c [rows, cols],
  // or, with `transposed`, c stored as its transpose [cols, rows] (an exporter's transposed
  // initializer). One SGEMM; cuBLAS is column-major, so the row-major product is taken as its
  // transpose: (b a)^T = a^T b^T.
  void AddProduct(float alpha, const float* b, const float* a, int64_t rows, int64_t rank, int64_t cols, bool transposed,
                  float* c);

 private:
  cublasHandle_t handle_ = nullptr;
};

}  // namespace outpaint::gpu
