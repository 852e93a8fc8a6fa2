#pragma once

#include <utility>

#include "core/image.h"
#include "runtime/errors.h"

namespace outpaint {

// Receives progress from a running task and tells it whether to stop.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void Report(const char* stage, int step, int total_steps) = 0;
  virtual bool IsCancelled() const = 0;
  // An intermediate picture of the whole canvas, where the backend has one.
  virtual void Preview(Image) {}
};

// Counts the steps of one task across its stages and checks for cancellation at every step.
class StepReporter {
 public:
  StepReporter(ProgressSink& sink, int total_steps) : sink_(sink), total_steps_(total_steps) {}

  void BeginStage(const char* stage) {
    stage_ = stage;
    ThrowIfCancelled();
  }

  void Advance() {
    ThrowIfCancelled();
    ++step_;
    sink_.Report(stage_, step_, total_steps_);
  }

  void ThrowIfCancelled() const {
    if (sink_.IsCancelled()) throw CancelledError();
  }

  void Preview(Image image) { sink_.Preview(std::move(image)); }

  int step() const { return step_; }
  const ProgressSink& sink() const { return sink_; }

 private:
  ProgressSink& sink_;
  const int total_steps_;
  const char* stage_ = "";
  int step_ = 0;
};

}  // namespace outpaint
