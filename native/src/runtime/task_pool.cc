#include "runtime/task_pool.h"

namespace outpaint {

TaskPool::TaskPool(int threads) {
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

TaskPool::~TaskPool() { Close(); }

bool TaskPool::Submit(PoolTask* task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return false;
    queue_.push_back(task);
  }
  wake_.notify_one();
  return true;
}

TaskPool::Stats TaskPool::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return Stats{queue_.size(), running_.size(), finished_};
}

bool TaskPool::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closing_;
}

void TaskPool::Close() {
  std::deque<PoolTask*> abandoned;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_ && threads_.empty()) return;
    closing_ = true;
    abandoned.swap(queue_);
    for (PoolTask* task : running_) task->RequestCancel();
  }
  wake_.notify_all();
  for (PoolTask* task : abandoned) task->Abandon();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ += abandoned.size();
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void TaskPool::WorkerLoop() {
  for (;;) {
    PoolTask* task = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing with nothing left to start
      task = queue_.front();
      queue_.pop_front();
      running_.insert(task);
    }
    task->Run();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      running_.erase(task);
      ++finished_;
    }
    task->Deliver();
  }
}

}  // namespace outpaint
