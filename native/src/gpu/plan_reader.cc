#include "gpu/plan_reader.h"

#include <algorithm>
#include <cstdio>

namespace outpaint::gpu {
namespace {

constexpr int64_t kChunk = int64_t{64} << 20;

bool OnDevice(const void* pointer) {
  cudaPointerAttributes attributes{};
  if (cudaPointerGetAttributes(&attributes, pointer) != cudaSuccess) {
    cudaGetLastError();  // not a pointer CUDA knows: host memory
    return false;
  }
  return attributes.type == cudaMemoryTypeDevice;
}

}  // namespace

PlanReader::~PlanReader() {
  if (pinned_ != nullptr) cudaFreeHost(pinned_);
}

int64_t PlanReader::read(void* destination, int64_t bytes, cudaStream_t stream) noexcept {
  try {
    return Read(destination, bytes, stream);
  } catch (...) {
    failure_ = std::current_exception();
    return -1;
  }
}

int64_t PlanReader::Read(void* destination, int64_t bytes, cudaStream_t stream) {
  const bool device = OnDevice(destination);
  if (device && pinned_ == nullptr) CudaCheck(cudaMallocHost(&pinned_, kChunk), "cudaMallocHost");
  int64_t done = 0;
  while (done < bytes) {
    const int64_t want = std::min(kChunk, bytes - done);
    char* target = static_cast<char*>(destination) + done;
    const int64_t got = file_.Read(device ? pinned_ : target, want);
    if (got < 0) {
      if (!file_.error().empty()) throw NativeError("MODEL_INVALID", "Reading the engine failed: " + file_.error());
      return -1;
    }
    if (got == 0) break;
    if (device) {
      CudaCheck(cudaMemcpyAsync(target, pinned_, static_cast<size_t>(got), cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
      CudaCheck(cudaStreamSynchronize(stream), "cudaStreamSynchronize");  // before the buffer is refilled
    }
    done += got;
  }
  return done;
}

bool PlanReader::seek(int64_t offset, nvinfer1::SeekPosition where) noexcept {
  const int whence = where == nvinfer1::SeekPosition::kSET ? SEEK_SET : where == nvinfer1::SeekPosition::kCUR ? SEEK_CUR : SEEK_END;
  return file_.Seek(offset, whence);
}

void PlanReader::Rethrow() const {
  if (failure_) std::rethrow_exception(failure_);
}

}  // namespace outpaint::gpu
