#include "gpu/flux_session.h"

#include "gpu/engine_contract.h"
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
  const int64_t scratch = model.SharedScratchBytes();
  void* memory = scratch_.Reserve(static_cast<size_t>(scratch > 0 ? scratch : 1));
  for (int i = 0; i < kFluxEngineCount; ++i) {
    const auto id = static_cast<FluxEngineId>(i);
    contexts_[i].reset(model.Engine(id).createExecutionContext(nvinfer1::ExecutionContextAllocationStrategy::kUSER_MANAGED));
    if (!contexts_[i]) {
      throw NativeError("OUT_OF_MEMORY", std::string("TensorRT could not create the ") + EngineRole(id) +
                                             " execution context: " + model.logger().TakeLastError());
    }
    contexts_[i]->setDeviceMemoryV2(memory, scratch);
  }
}

FluxSession::~FluxSession() {
  if (stream_ != nullptr) cudaStreamSynchronize(stream_);
  for (auto& context : contexts_) context.reset();
  if (stream_ != nullptr) cudaStreamDestroy(stream_);
}

BoundTensor FluxSession::Input(FluxEngineId engine, const char* name, const std::vector<int64_t>& dims) {
  if (!Context(engine).setInputShape(name, ToDims(dims))) {
    const nvinfer1::ICudaEngine& e = model_.Engine(engine);
    throw NativeError("MODEL_INVALID", std::string("The ") + EngineRole(engine) + " engine cannot take " + name + " of shape " +
                                           DimsText(ToDims(dims)) + ": its optimization profile allows " +
                                           DimsText(e.getProfileShape(name, 0, nvinfer1::OptProfileSelector::kMIN)) + " to " +
                                           DimsText(e.getProfileShape(name, 0, nvinfer1::OptProfileSelector::kMAX)) +
                                           " (rebuild the engines with a larger --max-size for bigger canvases). " +
                                           model_.logger().TakeLastError());
  }
  return Bind(engine, name, Count(ToDims(dims)));
}

BoundTensor FluxSession::Output(FluxEngineId engine, const char* name) {
  return Bind(engine, name, Count(Context(engine).getTensorShape(name)));
}

BoundTensor FluxSession::Bind(FluxEngineId engine, const char* name, size_t count) {
  BoundTensor tensor;
  tensor.type = model_.Engine(engine).getTensorDataType(name);
  tensor.count = count;
  tensor.data = buffers_[std::string(EngineRole(engine)) + "/" + name].Reserve(count * ElementSize(tensor.type) + 1);
  Rebind(engine, name, tensor.data);
  return tensor;
}

void FluxSession::Rebind(FluxEngineId engine, const char* name, void* data) {
  if (!Context(engine).setTensorAddress(name, data)) {
    throw NativeError("INTERNAL", std::string("TensorRT refused the address of ") + name + ": " + model_.logger().TakeLastError());
  }
}

void FluxSession::Enqueue(FluxEngineId engine) {
  if (!Context(engine).enqueueV3(stream_)) {
    throw NativeError("INTERNAL", std::string("The ") + EngineRole(engine) + " engine failed to run: " + model_.logger().TakeLastError());
  }
}

}  // namespace outpaint::gpu
