#include "binding/engine_task.h"

#include <new>

#include "binding/js_errors.h"
#include "runtime/errors.h"

namespace outpaint::binding {

namespace {

// Pixels handed to JS as an external buffer: the Image is freed when the buffer is collected.
Napi::Object ImageToJs(Napi::Env env, std::unique_ptr<Image> owned) {
  Image* image = owned.release();
  Napi::Object result = Napi::Object::New(env);
  result.Set("data", Napi::Buffer<uint8_t>::New(env, image->pixels.data(), image->pixels.size(),
                                                [](Napi::Env, uint8_t*, Image* owner) { delete owner; }, image));
  result.Set("width", image->width);
  result.Set("height", image->height);
  result.Set("channels", image->channels);
  return result;
}

}  // namespace

EngineTask::EngineTask(Napi::Env env, OutpaintBackend& backend, Kind kind)
    : deferred_(Napi::Promise::Deferred::New(env)), backend_(backend), kind_(kind) {}

Napi::Object EngineTask::Start(Napi::Env env, TaskPool& pool, OutpaintBackend& backend, Kind kind, const Napi::Value& request,
                               const Napi::Function& on_progress) {
  std::unique_ptr<EngineTask> task(new EngineTask(env, backend, kind));
  if (kind == Kind::kOutpaint) {
    ReadOutpaintBaton(request, task->outpaint_);
  } else {
    ReadGenerateBaton(request, task->generate_);
  }
  task->channel_ = Channel::New(env, on_progress, kind == Kind::kOutpaint ? "outpaint" : "generate", 0, 1, task.get(),
                                [](Napi::Env, void*, EngineTask* finished) { delete finished; });

  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", task->deferred_.Promise());
  std::shared_ptr<std::atomic<bool>> cancelled = task->cancelled_;
  handle.Set("cancel", Napi::Function::New(
                           env, [cancelled](const Napi::CallbackInfo&) { cancelled->store(true); }, "cancel"));

  EngineTask* owned = task.release();  // the channel's finalizer deletes it from here on
  if (!pool.Submit(owned)) {
    owned->error_code_ = "ENGINE_CLOSED";
    owned->error_message_ = "The fill engine is closed";
    owned->Deliver();
  }
  return handle;
}

void EngineTask::Run() {
  try {
    if (kind_ == Kind::kOutpaint) {
      result_ = std::make_unique<Image>(backend_.Run(outpaint_.request, *this));
    } else {
      GenerateResult generated = backend_.Generate(generate_.request, *this);
      transformer_ = generated.transformer;
      result_ = std::make_unique<Image>(std::move(generated.image));
    }
  } catch (const NativeError& error) {
    error_code_ = error.code();
    error_message_ = error.what();
  } catch (const std::bad_alloc&) {
    error_code_ = "OUT_OF_MEMORY";
    error_message_ = "Not enough memory for the canvas";
  } catch (const std::exception& error) {
    error_code_ = "INTERNAL";
    error_message_ = error.what();
  }
}

void EngineTask::Abandon() {
  error_code_ = "ENGINE_CLOSED";
  error_message_ = "The fill engine closed before the task started";
  Deliver();
}

void EngineTask::Deliver() {
  // After Release() the main thread may destroy this task at any moment: touch nothing after it.
  Channel channel = channel_;
  if (channel.NonBlockingCall(new Message{true, "", 0, 0, nullptr}) != napi_ok) {
    // The environment is shutting down; the finalizer still runs and frees the task.
  }
  channel.Release();
}

void EngineTask::Report(const char* stage, int step, int total_steps) {
  auto* message = new Message{false, stage, step, total_steps, nullptr};
  if (channel_.NonBlockingCall(message) != napi_ok) delete message;
}

void EngineTask::Preview(Image image) {
  auto* message = new Message{false, "PREVIEW", 0, 0, std::make_unique<Image>(std::move(image))};
  if (channel_.NonBlockingCall(message) != napi_ok) delete message;
}

void EngineTask::CallJs(Napi::Env env, Napi::Function on_progress, EngineTask* task, Message* message) {
  std::unique_ptr<Message> owned(message);
  if (env == nullptr || message == nullptr) return;
  if (message->done) {
    task->Settle(env);
    return;
  }
  try {
    if (message->preview) {
      on_progress.Call({Napi::String::New(env, message->stage), Napi::Number::New(env, 0), Napi::Number::New(env, 0),
                        ImageToJs(env, std::move(message->preview))});
      return;
    }
    on_progress.Call({Napi::String::New(env, message->stage), Napi::Number::New(env, message->step),
                      Napi::Number::New(env, message->total_steps)});
  } catch (const Napi::Error&) {
    // The TypeScript wrapper never throws from its progress callback; a throw cannot stop the task.
  }
}

void EngineTask::Settle(Napi::Env env) {
  outpaint_.source.Reset();
  generate_.source.Reset();
  if (!result_) {
    deferred_.Reject(MakeCodedError(env, error_code_, error_message_).Value());
    return;
  }
  if (kind_ == Kind::kOutpaint) {
    deferred_.Resolve(ImageToJs(env, std::move(result_)));
    return;
  }
  Napi::Object generated = Napi::Object::New(env);
  generated.Set("image", ImageToJs(env, std::move(result_)));
  generated.Set("transformer", transformer_);
  deferred_.Resolve(generated);
}

}  // namespace outpaint::binding
