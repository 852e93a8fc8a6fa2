#include "gpu/engine_io.h"

namespace outpaint::gpu {

using nvinfer1::DataType;

flux::TensorType ToTensorType(DataType type) {
  using T = flux::TensorType;
  switch (type) {
    case DataType::kFLOAT: return T::kFloat32;
    case DataType::kHALF: return T::kFloat16;
    case DataType::kBF16: return T::kBFloat16;
    case DataType::kINT32: return T::kInt32;
    case DataType::kINT64: return T::kInt64;
    case DataType::kINT8: return T::kInt8;
    case DataType::kUINT8: return T::kUInt8;
    case DataType::kBOOL: return T::kBool;
    case DataType::kFP8: return T::kFp8;
    default: return T::kOther;
  }
}

ElementType ToElementType(DataType type) {
  if (type == DataType::kHALF) return ElementType::kHalf;
  if (type == DataType::kBF16) return ElementType::kBFloat16;
  return ElementType::kFloat;
}

size_t ElementSize(DataType type) {
  switch (type) {
    case DataType::kHALF:
    case DataType::kBF16: return 2;
    case DataType::kINT64: return 8;
    case DataType::kINT8:
    case DataType::kUINT8:
    case DataType::kBOOL:
    case DataType::kFP8: return 1;
    default: return 4;
  }
}

std::vector<int64_t> ToVector(const nvinfer1::Dims& dims) {
  std::vector<int64_t> out;
  for (int i = 0; i < dims.nbDims; ++i) out.push_back(dims.d[i]);
  return out;
}

std::vector<flux::EngineTensor> DescribeEngine(const nvinfer1::ICudaEngine& engine) {
  std::vector<flux::EngineTensor> tensors;
  for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
    const char* name = engine.getIOTensorName(i);
    tensors.push_back({name, engine.getTensorIOMode(name) == nvinfer1::TensorIOMode::kINPUT,
                       ToTensorType(engine.getTensorDataType(name)), ToVector(engine.getTensorShape(name))});
  }
  return tensors;
}

}  // namespace outpaint::gpu
