#pragma once

#include <NvInferRuntime.h>

#include <vector>

#include "flux/engine_contract.h"
#include "gpu/flux_kernels.h"

namespace outpaint::gpu {

// A loaded engine's inputs and outputs in the terms of flux/engine_contract.h.
std::vector<flux::EngineTensor> DescribeEngine(const nvinfer1::ICudaEngine& engine);

flux::TensorType ToTensorType(nvinfer1::DataType type);
// The kernels' element type for an engine tensor of a float type (fp32 for anything else).
ElementType ToElementType(nvinfer1::DataType type);
size_t ElementSize(nvinfer1::DataType type);
std::vector<int64_t> ToVector(const nvinfer1::Dims& dims);

}  // namespace outpaint::gpu
