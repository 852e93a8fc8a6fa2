#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <string>

#include "backends/outpaint_backend.h"
#include "binding/baton.h"
#include "runtime/progress.h"
#include "runtime/task_pool.h"

namespace outpaint::binding {

// One outpaint or generation on the engine's pool. Created on the main thread; runs on a pool
// thread; its progress and result travel back through a thread-safe function and only become JS
// values on the main thread, where the task is also destroyed.
class EngineTask final : public PoolTask, public ProgressSink {
 public:
  enum class Kind { kOutpaint, kGenerate };

  // Reads `request` as the kind's baton, hands the task to `pool`, which runs it on `backend`,
  // and returns { promise, cancel }. The promise resolves to the image (outpaint) or to
  // { image, transformer } (generate).
  static Napi::Object Start(Napi::Env env, TaskPool& pool, OutpaintBackend& backend, Kind kind, const Napi::Value& request,
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
  static void CallJs(Napi::Env env, Napi::Function on_progress, EngineTask* task, Message* message);
  using Channel = Napi::TypedThreadSafeFunction<EngineTask, Message, &EngineTask::CallJs>;

  EngineTask(Napi::Env env, OutpaintBackend& backend, Kind kind);
  void Settle(Napi::Env env);

  Napi::Promise::Deferred deferred_;
  OutpaintBackend& backend_;
  const Kind kind_;
  OutpaintBaton outpaint_;
  GenerateBaton generate_;
  Channel channel_;
  std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<Image> result_;
  std::string transformer_;
  std::string error_code_;
  std::string error_message_;
};

}  // namespace outpaint::binding
