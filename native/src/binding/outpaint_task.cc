#include "binding/outpaint_task.h"

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

OutpaintTask::OutpaintTask(Napi::Env env, OutpaintBackend& backend)
    : deferred_(Napi::Promise::Deferred::New(env)), backend_(backend) {}

Napi::Object OutpaintTask::Start(Napi::Env env, TaskPool& pool, OutpaintBackend& backend, const Napi::Value& request,
                                 const Napi::Function& on_progress) {
  std::unique_ptr<OutpaintTask> task(new OutpaintTask(env, backend));
  ReadOutpaintBaton(request, task->baton_);
  task->channel_ = Channel::New(env, on_progress, "outpaint", 0, 1, task.get(),
                                [](Napi::Env, void*, OutpaintTask* finished) { delete finished; });

  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", task->deferred_.Promise());
  std::shared_ptr<std::atomic<bool>> cancelled = task->cancelled_;
  handle.Set("cancel", Napi::Function::New(
                           env, [cancelled](const Napi::CallbackInfo&) { cancelled->store(true); }, "cancel"));

  OutpaintTask* owned = task.release();  // the channel's finalizer deletes it from here on
  if (!pool.Submit(owned)) {
    owned->error_code_ = "ENGINE_CLOSED";
    owned->error_message_ = "The fill engine is closed";
    owned->Deliver();
  }
  return handle;
}

void OutpaintTask::Run() {
  try {
    result_ = std::make_unique<Image>(backend_.Run(baton_.request, *this));
  } catch (const NativeError& error) {
    error_code_ = error.code();
    error_message_ = error.what();
  } catch (const std::bad_alloc&) {
    error_code_ = "OUT_OF_MEMORY";
    error_message_ = "Not enough memory for the outpaint canvas";
  } catch (const std::exception& error) {
    error_code_ = "INTERNAL";
    error_message_ = error.what();
  }
}

void OutpaintTask::Abandon() {
  error_code_ = "ENGINE_CLOSED";
  error_message_ = "The fill engine closed before the task started";
  Deliver();
}

void OutpaintTask::Deliver() {
  // After Release() the main thread may destroy this task at any moment: touch nothing after it.
  Channel channel = channel_;
  if (channel.NonBlockingCall(new Message{true, "", 0, 0, nullptr}) != napi_ok) {
    // The environment is shutting down; the finalizer still runs and frees the task.
  }
  channel.Release();
}

void OutpaintTask::Report(const char* stage, int step, int total_steps) {
  auto* message = new Message{false, stage, step, total_steps, nullptr};
  if (channel_.NonBlockingCall(message) != napi_ok) delete message;
}

void OutpaintTask::Preview(Image image) {
  auto* message = new Message{false, "PREVIEW", 0, 0, std::make_unique<Image>(std::move(image))};
  if (channel_.NonBlockingCall(message) != napi_ok) delete message;
}

void OutpaintTask::CallJs(Napi::Env env, Napi::Function on_progress, OutpaintTask* task, Message* message) {
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

void OutpaintTask::Settle(Napi::Env env) {
  baton_.source.Reset();
  if (!result_) {
    deferred_.Reject(MakeCodedError(env, error_code_, error_message_).Value());
    return;
  }
  deferred_.Resolve(ImageToJs(env, std::move(result_)));
}

}  // namespace outpaint::binding
