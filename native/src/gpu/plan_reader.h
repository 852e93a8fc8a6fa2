#pragma once

#include <NvInferRuntime.h>

#include <exception>

#include "gpu/cuda_check.h"
#include "runtime/chunked_file.h"

namespace outpaint::gpu {

// TensorRT reads a serialized engine through this (IRuntime::deserializeCudaEngine with an
// IStreamReaderV2, TensorRT 10.7 and later): from the file in chunks of at most 64 MiB, straight
// into the host memory TensorRT names or through one pinned buffer into its device memory, so
// a 24 GB plan never sits in host memory whole. TensorRT's calls must not throw: a failure (or a
// cancellation thrown by the file's progress callback) ends the read, and Rethrow() raises it
// once deserialization has returned.
class PlanReader final : public nvinfer1::IStreamReaderV2 {
 public:
  explicit PlanReader(ChunkedFile& file) : file_(file) {}
  ~PlanReader() override;

  int64_t read(void* destination, int64_t bytes, cudaStream_t stream) noexcept override;
  bool seek(int64_t offset, nvinfer1::SeekPosition where) noexcept override;

  // Raises what stopped the read, if anything did.
  void Rethrow() const;

 private:
  int64_t Read(void* destination, int64_t bytes, cudaStream_t stream);

  ChunkedFile& file_;
  void* pinned_ = nullptr;
  std::exception_ptr failure_;
};

}  // namespace outpaint::gpu
