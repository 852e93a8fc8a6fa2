#pragma once

#include <cuda_runtime_api.h>

#include <vector>

#include "flux/lora_merge.h"
#include "flux/safetensors.h"
#include "gpu/cublas_library.h"
#include "gpu/cuda_check.h"
#include "gpu/flux_kernels.h"

namespace outpaint::gpu {

// W = W_base + sum of scale * B A on the device: the base weight and the LoRA factors are
// uploaded as they are stored (F32, F16 or BF16), widened to fp32, the products added by one
// cuBLAS SGEMM each, and the sum rounded once to the engine weight's type.
class WeightMerger {
 public:
  explicit WeightMerger(cudaStream_t stream) : stream_(stream), cublas_(stream) {}

  // Writes the merged weight into `out` (grown as needed), in `type`, laid out as `base` is
  // (`transposed`: base is [in, out] while the factors describe [out, in]). Enqueued on the
  // stream; `base` and the factors' host memory must stay until the stream has run it.
  void Merge(const flux::SafeTensor& base, const std::vector<const flux::LoraFactor*>& factors, bool transposed,
             ElementType type, DeviceBuffer& out);

 private:
  // A tensor's values on the device in fp32, in `target`.
  float* Widen(const flux::SafeTensor& tensor, DeviceBuffer& staging, DeviceBuffer& target);

  cudaStream_t stream_;
  Cublas cublas_;
  DeviceBuffer staging_, work_, down_staging_, down_, up_staging_, up_;
};

// The element type of a safetensors dtype (F32, F16, BF16).
ElementType ElementTypeOf(const flux::SafeTensor& tensor);

}  // namespace outpaint::gpu
