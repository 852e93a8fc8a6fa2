#pragma once

#include <napi.h>

#include "pipeline/outpaint_pipeline.h"

namespace outpaint::binding {

// The plain request a task runs on, read from JS on the main thread. `source` keeps the
// original's buffer alive (and unmoved) while worker threads read it without copying.
struct OutpaintBaton {
  OutpaintParams params;
  Napi::Reference<Napi::Uint8Array> source;
};

// Reads { original: { data, width, height, channels }, placement: { canvasWidth, canvasHeight,
// x, y }, infill, feather, seed }. Throws INVALID_ARGUMENT for anything malformed.
void ReadOutpaintBaton(const Napi::Value& value, OutpaintBaton& baton);

}  // namespace outpaint::binding
