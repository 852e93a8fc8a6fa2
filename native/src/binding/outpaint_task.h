#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <string>

#include "binding/baton.h"
#include "backends/outpaint_backend.h"
#include "runtime/progress.h"
#include "runtime/task_pool.h"

namespace outpaint::binding {

// One outpaint on the engine's pool. Created on the main thread; runs on a pool thread; its
// progress and result travel back through a thread-safe function and only become JS values on
// the main thread, where the task is also destroyed.
class OutpaintTask final : public PoolTask, public ProgressSink {
 public:
  // Returns { promise, cancel } and hands the task to `pool`, which runs it on `backend`.
  static Napi::Object Start(Napi::Env env, TaskPool& pool, OutpaintBackend& backend, const Napi::Value& request,
                            const Napi::Function& on_progress);

  void Run() override;
  void Deliver() override;
  void Abandon() override;
  void RequestCancel() override { cancelled_->store(true); }

  void Report(const char* stage, int step, int total_steps) override;
  void Preview(Image image) override;
  bool IsCancelled() const override { return cancelled_->load(); }

 private:
  struct Message {
    bool done = false;
    std::string stage;
    int step = 0;
    int total_steps = 0;
    std::unique_ptr<Image> preview;
  };
  static void CallJs(Napi::Env env, Napi::Function on_progress, OutpaintTask* task, Message* message);
  using Channel = Napi::TypedThreadSafeFunction<OutpaintTask, Message, &OutpaintTask::CallJs>;

  OutpaintTask(Napi::Env env, OutpaintBackend& backend);
  void Settle(Napi::Env env);

  Napi::Promise::Deferred deferred_;
  OutpaintBackend& backend_;
  OutpaintBaton baton_;
  Channel channel_;
  std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<Image> result_;
  std::string error_code_;
  std::string error_message_;
};

}  // namespace outpaint::binding
