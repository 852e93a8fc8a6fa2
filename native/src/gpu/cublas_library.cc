#include "gpu/cublas_library.h"

#include <dlfcn.h>

#include <string>

#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

// The four entry points used, looked up once per process.
struct CublasApi {
  decltype(&cublasCreate_v2) create = nullptr;
  decltype(&cublasDestroy_v2) destroy = nullptr;
  decltype(&cublasSetStream_v2) set_stream = nullptr;
  decltype(&cublasSgemm_v2) sgemm = nullptr;
  std::string problem;
};

const CublasApi& Api() {
  static const CublasApi api = [] {
    CublasApi loaded;
    const std::string soname = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
    void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      loaded.problem = soname + " could not be loaded (" + (why ? why : "unknown") +
                       "): LoRA refits need cuBLAS " + std::to_string(CUBLAS_VER_MAJOR) +
                       " (the CUDA toolkit's libcublas) on LD_LIBRARY_PATH";
      return loaded;
    }
    loaded.create = reinterpret_cast<decltype(loaded.create)>(dlsym(handle, "cublasCreate_v2"));
    loaded.destroy = reinterpret_cast<decltype(loaded.destroy)>(dlsym(handle, "cublasDestroy_v2"));
    loaded.set_stream = reinterpret_cast<decltype(loaded.set_stream)>(dlsym(handle, "cublasSetStream_v2"));
    loaded.sgemm = reinterpret_cast<decltype(loaded.sgemm)>(dlsym(handle, "cublasSgemm_v2"));
    if (!loaded.create || !loaded.destroy || !loaded.set_stream || !loaded.sgemm) {
      loaded.problem = soname + " does not export cublasCreate_v2, cublasDestroy_v2, cublasSetStream_v2 and cublasSgemm_v2";
    }
    return loaded;
  }();
  return api;
}

void Check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) throw NativeError("CUDA_ERROR", std::string(what) + " failed: cuBLAS status " + std::to_string(status));
}

}  // namespace

Cublas::Cublas(cudaStream_t stream) {
  const CublasApi& api = Api();
  if (!api.problem.empty()) throw NativeError("BACKEND_UNAVAILABLE", api.problem);
  Check(api.create(&handle_), "cublasCreate");
  Check(api.set_stream(handle_, stream), "cublasSetStream");
}

Cublas::~Cublas() {
  if (handle_ != nullptr) Api().destroy(handle_);
}

void Cublas::AddProduct(float alpha, const float* b, const float* a, int64_t rows, int64_t rank, int64_t cols, bool transposed,
                        float* c) {
  const float one = 1.0f;
  const int m = static_cast<int>(rows), k = static_cast<int>(rank), n = static_cast<int>(cols);
  if (!transposed) {
    // Column-major view of row-major c [rows, cols] is c^T [cols, rows] = a^T b^T: a as stored
    // is a^T [cols, rank] (ld cols), b as stored is b^T [rank, rows] (ld rank).
    Check(Api().sgemm(handle_, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha, a, n, b, k, &one, c, n), "cublasSgemm");
  } else {
    // c stored [cols, rows] row-major is c [rows, cols] column-major = b a, with b and a read
    // transposed from their row-major storage.
    Check(Api().sgemm(handle_, CUBLAS_OP_T, CUBLAS_OP_T, m, n, k, &alpha, b, k, a, n, &one, c, m), "cublasSgemm");
  }
}

}  // namespace outpaint::gpu
