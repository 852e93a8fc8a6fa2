#pragma once

#include <napi.h>

#include "backends/outpaint_backend.h"

namespace outpaint::binding {

// The plain requests a task runs on, read from JS on the main thread. `source` keeps the
// caller's pixel buffer (the original, or the init image) alive and unmoved while worker threads
// read it without copying.
struct OutpaintBaton {
  BackendRequest request;
  Napi::Reference<Napi::Uint8Array> source;
};

struct GenerateBaton {
  GenerateRequest request;
  Napi::Reference<Napi::Uint8Array> source;
};

// Reads { original: { data, width, height, channels }, placement: { canvasWidth, canvasHeight,
// x, y }, infill, blur, seed, denoise? }, denoise being { t5Tokens: Int32Array(512),
// clipTokens: Int32Array(77), steps, guidance, strength, previewEvery, loras: [{ path, weight }] }.
// Throws INVALID_ARGUMENT for anything malformed.
void ReadOutpaintBaton(const Napi::Value& value, OutpaintBaton& baton);

// Reads { width, height, seed, init?: { data, width, height, channels } (width x height),
// denoise } (denoise as above; strength 1 without an init). Throws INVALID_ARGUMENT for anything
// malformed.
void ReadGenerateBaton(const Napi::Value& value, GenerateBaton& baton);

}  // namespace outpaint::binding
