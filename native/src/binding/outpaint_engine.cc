#include "binding/outpaint_engine.h"

#include <thread>

#include <algorithm>

#include "backends/backend_names.h"
#include "backends/cpu_fill_backend.h"
#include "backends/flux_fill.h"
#include "binding/js_errors.h"
#include "binding/engine_task.h"

namespace outpaint::binding {
namespace {
constexpr int kMaxThreads = 256;
}

Napi::Function OutpaintEngine::DefineClass(Napi::Env env) {
  return ObjectWrap<OutpaintEngine>::DefineClass(env, "OutpaintEngine",
                                             {
                                                 InstanceMethod<&OutpaintEngine::Outpaint>("outpaint"),
                                                 InstanceMethod<&OutpaintEngine::Generate>("generate"),
                                                 InstanceMethod<&OutpaintEngine::Close>("close"),
                                                 InstanceMethod<&OutpaintEngine::Stats>("stats"),
                                                 InstanceAccessor<&OutpaintEngine::Threads>("threads"),
                                                 InstanceAccessor<&OutpaintEngine::Closed>("closed"),
                                             });
}

OutpaintEngine::OutpaintEngine(const Napi::CallbackInfo& info) : ObjectWrap<OutpaintEngine>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  BackendKind kind = BackendKind::kCpuFill;
  std::string model_dir;
  if (info.Length() > 0 && info[0].IsObject()) {
    const Napi::Object options = info[0].As<Napi::Object>();
    Napi::Value requested = options.Get("threads");
    if (!requested.IsUndefined()) {
      const double value = requested.IsNumber() ? requested.As<Napi::Number>().DoubleValue() : -1;
      if (!(value >= 1 && value <= kMaxThreads) || static_cast<int>(value) != value) {
        ThrowInvalidArgument(env, "Expected an integer between 1 and 256 for threads");
      }
      threads = static_cast<int>(value);
    }
    const Napi::Value backend = options.Get("backend");
    if (!backend.IsUndefined()) {
      if (!backend.IsString()) ThrowInvalidArgument(env, "Expected a string for backend");
      try {
        kind = ParseBackendKind(backend.As<Napi::String>().Utf8Value());
      } catch (const NativeError& error) {
        ThrowInvalidArgument(env, error.what());
      }
    }
    const Napi::Value dir = options.Get("modelDir");
    if (dir.IsString()) model_dir = dir.As<Napi::String>().Utf8Value();
  }
  threads = threads < 1 ? 1 : threads;
  // A GPU backend's task thread only drives the device; the canvas work before it gets the cores.
  const int helpers = kind == BackendKind::kCpuFill ? threads - 1 : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  compute_ = std::make_unique<ComputePool>(helpers);
  try {
    if (kind == BackendKind::kCpuFill) {
      backend_ = std::make_unique<CpuFillBackend>(*compute_);
    } else {
      backend_ = OpenFluxFill(model_dir, *compute_);
    }
  } catch (const NativeError& error) {
    compute_->Close();
    throw MakeCodedError(env, error.code(), error.what());
  }
  pool_ = std::make_unique<TaskPool>(threads);
  cleanup_hook_registered_ = napi_add_env_cleanup_hook(env, &OutpaintEngine::OnEnvironmentTeardown, this) == napi_ok;
}

OutpaintEngine::~OutpaintEngine() {
  if (cleanup_hook_registered_) napi_remove_env_cleanup_hook(env_, &OutpaintEngine::OnEnvironmentTeardown, this);
  Shutdown();
}

void OutpaintEngine::OnEnvironmentTeardown(void* engine) {
  auto* self = static_cast<OutpaintEngine*>(engine);
  self->cleanup_hook_registered_ = false;
  self->Shutdown();
}

void OutpaintEngine::Shutdown() {
  // Tasks first: they stop at their next cancellation check and may still be in a parallel loop.
  if (pool_) pool_->Close();
  if (compute_) compute_->Close();
}

Napi::Value OutpaintEngine::StartTask(const Napi::CallbackInfo& info, EngineTask::Kind kind) {
  Napi::Env env = info.Env();
  if (pool_->closed()) throw MakeCodedError(env, "ENGINE_CLOSED", "The fill engine is closed");
  if (info.Length() < 2 || !info[1].IsFunction()) ThrowInvalidArgument(env, "Expected a progress callback");
  return EngineTask::Start(env, *pool_, *backend_, kind, info[0], info[1].As<Napi::Function>());
}

Napi::Value OutpaintEngine::Outpaint(const Napi::CallbackInfo& info) { return StartTask(info, EngineTask::Kind::kOutpaint); }

Napi::Value OutpaintEngine::Generate(const Napi::CallbackInfo& info) { return StartTask(info, EngineTask::Kind::kGenerate); }

Napi::Value OutpaintEngine::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

Napi::Value OutpaintEngine::Threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), pool_->threads());
}

Napi::Value OutpaintEngine::Stats(const Napi::CallbackInfo& info) {
  const TaskPool::Stats stats = pool_->stats();
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("queued", static_cast<double>(stats.queued));
  result.Set("running", static_cast<double>(stats.running));
  result.Set("finished", static_cast<double>(stats.finished));
  return result;
}

Napi::Value OutpaintEngine::Closed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), pool_->closed());
}

}  // namespace outpaint::binding
