#pragma once

#include <NvInferRuntime.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gpu/cuda_check.h"
#include "gpu/flux_kernels.h"
#include "gpu/flux_model.h"

namespace outpaint::gpu {

// One engine tensor bound for a run: its device memory, type and element count.
struct BoundTensor {
  void* data = nullptr;
  nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
  size_t count = 0;
  ElementType element() const;
};

// TensorRT takes tensor addresses aligned to 256 bytes (cudaMalloc's are).
constexpr size_t kTensorAlignment = 256;

// Per-worker state on one device: a CUDA stream, an execution context per engine (made on first
// use, all sharing one scratch allocation, since they run one after another on the stream), and
// device buffers per tensor that grow to the largest size seen and are reused run after run.
class FluxSession {
 public:
  explicit FluxSession(FluxModel& model);
  ~FluxSession();
  FluxSession(const FluxSession&) = delete;
  FluxSession& operator=(const FluxSession&) = delete;

  cudaStream_t stream() const { return stream_; }

  // Sets an input's shape (inputs only) and binds a buffer sized for `dims`; outputs take the
  // shape the context infers once every input is set, so bind inputs first.
  BoundTensor Input(FluxEngine engine, const char* name, const std::vector<int64_t>& dims);
  BoundTensor Output(FluxEngine engine, const char* name);
  // Points a tensor at memory the pipeline owns; refuses an address TensorRT would not take.
  void Rebind(FluxEngine engine, const char* name, void* data);
  // Binds the engine's extra outputs to scratch, checks that every input and output has an
  // address (TensorRT fails the run otherwise) and enqueues the engine on the stream.
  void Enqueue(FluxEngine engine);

  // Scratch device memory for the pipeline's own arrays, by name (256-byte aligned).
  void* Scratch(const std::string& name, size_t bytes) { return buffers_[name].Reserve(bytes); }

 private:
  BoundTensor Bind(FluxEngine engine, const char* name, size_t count);
  nvinfer1::IExecutionContext& Context(FluxEngine engine);

  FluxModel& model_;
  cudaStream_t stream_ = nullptr;
  DeviceBuffer scratch_;
  std::array<std::unique_ptr<nvinfer1::IExecutionContext>, flux::kFluxEngineCount> contexts_;
  std::map<std::string, DeviceBuffer> buffers_;
};

}  // namespace outpaint::gpu
