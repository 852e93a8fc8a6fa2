#pragma once

#include <napi.h>

namespace outpaint::testing {

// What the GPU backend checks and reads when it loads engines, without TensorRT:
//   checkEngine(engine, tensors, file) -> the extra outputs the pipeline binds to scratch, or a
//     MODEL_INVALID error (flux/engine_contract.h); engine: "clip", "t5", "fillTransformer",
//     "vaeEncoder", "vaeDecoder", "devTransformer"; tensors: [{ name, input, type, dims }] with
//     type one of fp32, fp16, bf16, int32, int64, int8, uint8, bool, fp8;
//   readChunked(path, chunkBytes, stopAtPosition) -> { size, positions, data, stopped }: a plan
//     read as the engine loader reads it (runtime/chunked_file.h), stopping once the position
//     reaches stopAtPosition (0: never).
Napi::Object LoaderHooks(Napi::Env env);

}  // namespace outpaint::testing
