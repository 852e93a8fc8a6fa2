#include "gpu/weight_merge.h"

namespace outpaint::gpu {

ElementType ElementTypeOf(const flux::SafeTensor& tensor) {
  if (tensor.dtype == "F16") return ElementType::kHalf;
  if (tensor.dtype == "BF16") return ElementType::kBFloat16;
  return ElementType::kFloat;
}

float* WeightMerger::Widen(const flux::SafeTensor& tensor, DeviceBuffer& staging, DeviceBuffer& target) {
  void* raw = staging.Reserve(tensor.bytes);
  CudaCheck(cudaMemcpyAsync(raw, tensor.data, tensor.bytes, cudaMemcpyHostToDevice, stream_), "cudaMemcpyAsync");
  auto* wide = static_cast<float*>(target.Reserve(tensor.Count() * sizeof(float)));
  LaunchConvert(raw, ElementTypeOf(tensor), wide, ElementType::kFloat, tensor.Count(), stream_);
  return wide;
}

void WeightMerger::Merge(const flux::SafeTensor& base, const std::vector<const flux::LoraFactor*>& factors, bool transposed,
                         ElementType type, DeviceBuffer& out) {
  float* work = Widen(base, staging_, work_);
  for (const flux::LoraFactor* factor : factors) {
    const float* down = Widen(*factor->down, down_staging_, down_);
    const float* up = Widen(*factor->up, up_staging_, up_);
    cublas_.AddProduct(factor->scale, up, down, factor->Rows(), factor->Rank(), factor->Cols(), transposed, work);
  }
  const size_t size = type == ElementType::kFloat ? 4 : 2;
  LaunchConvert(work, ElementType::kFloat, out.Reserve(base.Count() * size), type, base.Count(), stream_);
}

}  // namespace outpaint::gpu
