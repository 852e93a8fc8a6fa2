#include "gpu/flux_session.h"

#include <cstdint>
#include <cstdio>

#include "gpu/engine_io.h"
#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

nvinfer1::Dims ToDims(const std::vector<int64_t>& dims) {
  nvinfer1::Dims out{};
  out.nbDims = static_cast<int32_t>(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) out.d[i] = dims[i];
  return out;
}

size_t Count(const nvinfer1::Dims& dims) {
  size_t count = 1;
  for (int i = 0; i < dims.nbDims; ++i) count *= static_cast<size_t>(dims.d[i] < 0 ? 0 : dims.d[i]);
  return count;
}

}  // namespace

ElementType BoundTensor::element() const { return ToElementType(type); }

FluxSession::FluxSession(FluxModel& model) : model_(model) {
  CudaCheck(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
}

FluxSession::~FluxSession() {
  if (stream_ != nullptr) cudaStreamSynchronize(stream_);
  for (auto& context : contexts_) context.reset();
  if (stream_ != nullptr) cudaStreamDestroy(stream_);
}

nvinfer1::IExecutionContext& FluxSession::Context(FluxEngine engine) {
  auto& context = contexts_[static_cast<int>(engine)];
  if (context) return *context;
  nvinfer1::ICudaEngine& e = model_.Engine(engine);
  context.reset(e.createExecutionContext(nvinfer1::ExecutionContextAllocationStrategy::kUSER_MANAGED));
  if (!context) {
    throw NativeError("OUT_OF_MEMORY", std::string("TensorRT could not create the ") + flux::EngineTitle(engine) +
                                           " execution context: " + model_.logger().TakeLastError());
  }
  // One scratch allocation serves every context; a larger need grows it for all of them.
  const int64_t needed = e.getDeviceMemorySizeV2();
  if (static_cast<size_t>(needed) > scratch_.capacity()) {
    CudaCheck(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    std::fprintf(stderr, "[flux] the engines' shared scratch memory: %.2f GiB (for the %s)\n", needed / 1073741824.0,
                 flux::EngineTitle(engine));
    void* memory = nullptr;
    try {
      memory = scratch_.Reserve(static_cast<size_t>(needed));
    } catch (...) {
      // The old allocation is freed even when the new one fails: no context may keep it.
      for (auto& other : contexts_) other.reset();
      throw;
    }
    for (auto& other : contexts_) {
      if (other) other->setDeviceMemoryV2(memory, needed);
    }
  } else {
    context->setDeviceMemoryV2(scratch_.data(), static_cast<int64_t>(scratch_.capacity()));
  }
  return *context;
}

BoundTensor FluxSession::Input(FluxEngine engine, const char* name, const std::vector<int64_t>& dims) {
  if (!Context(engine).setInputShape(name, ToDims(dims))) {
    const nvinfer1::ICudaEngine& e = model_.Engine(engine);
    throw NativeError("MODEL_INVALID", std::string("The ") + flux::EngineTitle(engine) + " engine cannot take " + name + " of shape " +
                                           flux::DimsText(dims) + ": its optimization profile allows " +
                                           flux::DimsText(ToVector(e.getProfileShape(name, 0, nvinfer1::OptProfileSelector::kMIN))) +
                                           " to " +
                                           flux::DimsText(ToVector(e.getProfileShape(name, 0, nvinfer1::OptProfileSelector::kMAX))) +
                                           " (rebuild the engines with a larger --max-size for bigger canvases). " +
                                           model_.logger().TakeLastError());
  }
  return Bind(engine, name, Count(ToDims(dims)));
}

BoundTensor FluxSession::Output(FluxEngine engine, const char* name) {
  return Bind(engine, name, Count(Context(engine).getTensorShape(name)));
}

BoundTensor FluxSession::Bind(FluxEngine engine, const char* name, size_t count) {
  BoundTensor tensor;
  tensor.type = model_.Engine(engine).getTensorDataType(name);
  tensor.count = count;
  tensor.data = buffers_[std::to_string(static_cast<int>(engine)) + "/" + name].Reserve(count * ElementSize(tensor.type) + 1);
  Rebind(engine, name, tensor.data);
  return tensor;
}

void FluxSession::Rebind(FluxEngine engine, const char* name, void* data) {
  if (reinterpret_cast<uintptr_t>(data) % kTensorAlignment != 0) {
    throw NativeError("INTERNAL", std::string("The address given for ") + name + " is not aligned to 256 bytes, as TensorRT requires");
  }
  if (!Context(engine).setTensorAddress(name, data)) {
    throw NativeError("INTERNAL", std::string("TensorRT refused the address of ") + name + ": " + model_.logger().TakeLastError());
  }
}

void FluxSession::Enqueue(FluxEngine engine) {
  nvinfer1::IExecutionContext& context = Context(engine);
  for (const std::string& name : model_.ExtraOutputs(engine)) Output(engine, name.c_str());
  const nvinfer1::ICudaEngine& e = model_.Engine(engine);
  for (int32_t i = 0; i < e.getNbIOTensors(); ++i) {
    const char* name = e.getIOTensorName(i);
    if (context.getTensorAddress(name) == nullptr) {
      throw NativeError("INTERNAL", std::string("The ") + flux::EngineTitle(engine) + " engine's tensor " + name + " has no address");
    }
  }
  if (!context.enqueueV3(stream_)) {
    throw NativeError("INTERNAL", std::string("The ") + flux::EngineTitle(engine) + " engine failed to run: " +
                                      model_.logger().TakeLastError());
  }
}

}  // namespace outpaint::gpu
