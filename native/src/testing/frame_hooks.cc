#include "testing/frame_hooks.h"

#include <array>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "binding/baton.h"
#include "binding/js_errors.h"
#include "pipeline/generate.h"
#include "pipeline/outpaint_pipeline.h"
#include "runtime/compute_pool.h"
#include "testing/js_values.h"

namespace outpaint::testing {
namespace {

// Answers every pixel with one colour, and keeps what it was given.
class StandInDenoiser final : public Denoiser {
 public:
  explicit StandInDenoiser(const Napi::Value& spec) {
    if (!spec.IsObject()) binding::ThrowInvalidArgument(spec.Env(), "Expected { colour, startsFromCanvas, steps }");
    const Napi::Object object = spec.As<Napi::Object>();
    const Napi::Array colour = object.Get("colour").As<Napi::Array>();
    for (uint32_t c = 0; c < 3; ++c) colour_[c] = static_cast<uint8_t>(colour.Get(c).As<Napi::Number>().Int32Value());
    starts_from_canvas_ = object.Get("startsFromCanvas").ToBoolean();
    steps_ = object.Get("steps").As<Napi::Number>().Int32Value();
  }
  bool StartsFromCanvas() const override { return starts_from_canvas_; }
  int StepCount() const override { return steps_; }
  Image Denoise(const Image& rgb, const Mask& mask, uint64_t, StepReporter& reporter) override {
    received_rgb_ = rgb;
    received_mask_ = mask;
    reporter.BeginStage("DENOISING");
    for (int i = 0; i < steps_; ++i) reporter.Advance();
    Image out(rgb.width, rgb.height, 3);
    for (size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] = colour_[i % 3];
    return out;
  }

  Napi::Value Received(Napi::Env env) const {
    Napi::Object received = Napi::Object::New(env);
    received.Set("rgb", ImageToJs(env, received_rgb_));
    Image mask(received_mask_.width, received_mask_.height, 1);
    mask.pixels = received_mask_.values;
    received.Set("mask", ImageToJs(env, mask));
    return received;
  }

 private:
  std::array<uint8_t, 3> colour_{};
  bool starts_from_canvas_ = false;
  int steps_ = 0;
  Image received_rgb_;
  Mask received_mask_;
};

class RecordingSink final : public ProgressSink {
 public:
  void Report(const char* stage, int step, int total_steps) override { events_.emplace_back(stage, step, total_steps); }
  bool IsCancelled() const override { return false; }

  Napi::Array Events(Napi::Env env) const {
    Napi::Array out = Napi::Array::New(env, events_.size());
    for (uint32_t i = 0; i < events_.size(); ++i) {
      Napi::Array event = Napi::Array::New(env, 3);
      event.Set(0u, std::get<0>(events_[i]));
      event.Set(1u, std::get<1>(events_[i]));
      event.Set(2u, std::get<2>(events_[i]));
      out.Set(i, event);
    }
    return out;
  }

 private:
  std::vector<std::tuple<std::string, int, int>> events_;
};

Napi::Object Result(Napi::Env env, const Image& image, const StandInDenoiser& denoiser, const RecordingSink& sink) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("image", ImageToJs(env, image));
  result.Set("received", denoiser.Received(env));
  result.Set("events", sink.Events(env));
  return result;
}

Napi::Value RunOutpaintHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  binding::OutpaintBaton baton;
  binding::ReadOutpaintBaton(info[0], baton);
  StandInDenoiser denoiser(info[1]);
  RecordingSink sink;
  ComputePool compute(1);
  const Image image = Guarded(env, [&] { return RunOutpaint(baton.request.outpaint, compute, sink, &denoiser); });
  compute.Close();
  return Result(env, image, denoiser, sink);
}

Napi::Value RunGenerateHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) binding::ThrowInvalidArgument(env, "Expected { width, height, seed, init? }");
  const Napi::Object request = info[0].As<Napi::Object>();
  GenerateParams params;
  params.width = request.Get("width").As<Napi::Number>().Int32Value();
  params.height = request.Get("height").As<Napi::Number>().Int32Value();
  params.seed = static_cast<uint64_t>(request.Get("seed").As<Napi::Number>().Int64Value());
  Image init;
  if (!request.Get("init").IsUndefined()) {
    init = ImageFromJs(request.Get("init"), "init");
    params.init = init.View();
  }
  StandInDenoiser denoiser(info[1]);
  RecordingSink sink;
  const Image image = Guarded(env, [&] { return RunGenerate(params, denoiser, sink); });
  return Result(env, image, denoiser, sink);
}

}  // namespace

Napi::Object FrameHooks(Napi::Env env) { return Functions(env, {{"runOutpaint", RunOutpaintHook}, {"runGenerate", RunGenerateHook}}); }

}  // namespace outpaint::testing
