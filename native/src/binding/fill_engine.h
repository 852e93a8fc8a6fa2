#pragma once

#include <napi.h>

#include <memory>

#include "runtime/compute_pool.h"
#include "runtime/task_pool.h"

namespace outpaint::binding {

// The long-lived CPU engine: owns its threads (`threads` that run tasks, and threads - 1 helpers
// that tasks share for their parallel loops) and every task submitted to it.
// JS: new FillEngine({ threads }), engine.outpaint(request, onProgress) -> { promise, cancel },
// engine.close(), engine.threads, engine.closed.
class FillEngine final : public Napi::ObjectWrap<FillEngine> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit FillEngine(const Napi::CallbackInfo& info);
  ~FillEngine() override;

 private:
  Napi::Value Outpaint(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Threads(const Napi::CallbackInfo& info);
  Napi::Value Closed(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  static void OnEnvironmentTeardown(void* engine);
  void Shutdown();

  napi_env env_;
  std::unique_ptr<TaskPool> pool_;
  std::unique_ptr<ComputePool> compute_;
  bool cleanup_hook_registered_ = false;
};

}  // namespace outpaint::binding
