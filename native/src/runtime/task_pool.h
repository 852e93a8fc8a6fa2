#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace outpaint {

// Work the pool runs once: either Run() then Deliver(), or only Abandon() when the pool closes
// before the task started. The pool never touches a task after Deliver() or Abandon(), so those
// may hand the task's ownership away.
class PoolTask {
 public:
  virtual ~PoolTask() = default;
  virtual void Run() = 0;
  virtual void Deliver() = 0;
  virtual void Abandon() = 0;
  // Asks a running task to stop at its next cancellation check.
  virtual void RequestCancel() = 0;
};

// Fixed threads of the engine's own, apart from libuv's shared pool, so long fills never starve
// file system and DNS work in Node. Tasks start in submission order.
class TaskPool {
 public:
  explicit TaskPool(int threads);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Returns false once the pool is closed; the task is then neither run nor abandoned.
  bool Submit(PoolTask* task);

  // Abandons queued tasks, asks running ones to cancel and waits for the threads. Idempotent.
  void Close();

  int threads() const { return static_cast<int>(threads_.size()); }
  bool closed() const;

  struct Stats {
    size_t queued = 0;     // submitted, not started
    size_t running = 0;    // started, not yet delivered
    uint64_t finished = 0;  // delivered or abandoned since the pool started
  };
  Stats stats() const;

 private:
  void WorkerLoop();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PoolTask*> queue_;
  std::unordered_set<PoolTask*> running_;
  std::vector<std::thread> threads_;
  bool closing_ = false;
  uint64_t finished_ = 0;
};

}  // namespace outpaint
