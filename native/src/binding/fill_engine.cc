#include "binding/fill_engine.h"

#include <thread>

#include "binding/js_errors.h"
#include "binding/outpaint_task.h"

namespace outpaint::binding {
namespace {
constexpr int kMaxThreads = 256;
}

Napi::Function FillEngine::DefineClass(Napi::Env env) {
  return ObjectWrap<FillEngine>::DefineClass(env, "FillEngine",
                                             {
                                                 InstanceMethod<&FillEngine::Outpaint>("outpaint"),
                                                 InstanceMethod<&FillEngine::Close>("close"),
                                                 InstanceMethod<&FillEngine::Stats>("stats"),
                                                 InstanceAccessor<&FillEngine::Threads>("threads"),
                                                 InstanceAccessor<&FillEngine::Closed>("closed"),
                                             });
}

FillEngine::FillEngine(const Napi::CallbackInfo& info) : ObjectWrap<FillEngine>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Value requested = info[0].As<Napi::Object>().Get("threads");
    if (!requested.IsUndefined()) {
      const double value = requested.IsNumber() ? requested.As<Napi::Number>().DoubleValue() : -1;
      if (!(value >= 1 && value <= kMaxThreads) || static_cast<int>(value) != value) {
        ThrowInvalidArgument(env, "Expected an integer between 1 and 256 for threads");
      }
      threads = static_cast<int>(value);
    }
  }
  threads = threads < 1 ? 1 : threads;
  pool_ = std::make_unique<TaskPool>(threads);
  compute_ = std::make_unique<ComputePool>(threads - 1);
  cleanup_hook_registered_ = napi_add_env_cleanup_hook(env, &FillEngine::OnEnvironmentTeardown, this) == napi_ok;
}

FillEngine::~FillEngine() {
  if (cleanup_hook_registered_) napi_remove_env_cleanup_hook(env_, &FillEngine::OnEnvironmentTeardown, this);
  Shutdown();
}

void FillEngine::OnEnvironmentTeardown(void* engine) {
  auto* self = static_cast<FillEngine*>(engine);
  self->cleanup_hook_registered_ = false;
  self->Shutdown();
}

void FillEngine::Shutdown() {
  // Tasks first: they stop at their next cancellation check and may still be in a parallel loop.
  if (pool_) pool_->Close();
  if (compute_) compute_->Close();
}

Napi::Value FillEngine::Outpaint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (pool_->closed()) throw MakeCodedError(env, "ENGINE_CLOSED", "The fill engine is closed");
  if (info.Length() < 2 || !info[1].IsFunction()) ThrowInvalidArgument(env, "Expected a progress callback");
  return OutpaintTask::Start(env, *pool_, *compute_, info[0], info[1].As<Napi::Function>());
}

Napi::Value FillEngine::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

Napi::Value FillEngine::Threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), pool_->threads());
}

Napi::Value FillEngine::Stats(const Napi::CallbackInfo& info) {
  const TaskPool::Stats stats = pool_->stats();
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("queued", static_cast<double>(stats.queued));
  result.Set("running", static_cast<double>(stats.running));
  result.Set("finished", static_cast<double>(stats.finished));
  return result;
}

Napi::Value FillEngine::Closed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), pool_->closed());
}

}  // namespace outpaint::binding
