#pragma once

#include <napi.h>

#include <memory>

#include "backends/outpaint_backend.h"
#include "binding/engine_task.h"
#include "runtime/compute_pool.h"
#include "runtime/task_pool.h"

namespace outpaint::binding {

// A long-lived engine on one backend: owns its threads (`threads` that run tasks, and helpers
// that tasks share for their parallel loops), its backend (and so any weights) and every task
// submitted to it.
// JS: new OutpaintEngine({ threads, backend?: "CPU_FILL" | "FLUX_FILL_TRT", modelDir? }),
// engine.outpaint(request, onProgress) -> { promise, cancel }, engine.generate(request,
// onProgress) -> { promise (of { image, transformer }), cancel }, engine.close(), engine.threads,
// engine.closed. onProgress(stage, step, totalSteps) or, for previews, ("PREVIEW", 0, 0, image).
class OutpaintEngine final : public Napi::ObjectWrap<OutpaintEngine> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit OutpaintEngine(const Napi::CallbackInfo& info);
  ~OutpaintEngine() override;

 private:
  Napi::Value Outpaint(const Napi::CallbackInfo& info);
  Napi::Value Generate(const Napi::CallbackInfo& info);
  Napi::Value StartTask(const Napi::CallbackInfo& info, EngineTask::Kind kind);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Threads(const Napi::CallbackInfo& info);
  Napi::Value Closed(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  static void OnEnvironmentTeardown(void* engine);
  void Shutdown();

  napi_env env_;
  std::unique_ptr<TaskPool> pool_;
  std::unique_ptr<ComputePool> compute_;
  std::unique_ptr<OutpaintBackend> backend_;
  bool cleanup_hook_registered_ = false;
};

}  // namespace outpaint::binding
