#include "runtime/compute_pool.h"

#include <algorithm>

namespace outpaint {

struct ComputePool::Batch {
  const std::function<void(int, int)>* body = nullptr;
  int count = 0;
  int grain = 1;
  int chunks = 0;
  std::atomic<int> next_chunk{0};
  std::atomic<bool> failed{false};
  std::mutex done_mutex;
  std::condition_variable done_cv;
  int finished_chunks = 0;  // guarded by done_mutex
  std::exception_ptr error;  // guarded by done_mutex
};

ComputePool::ComputePool(int helper_threads) {
  helpers_.reserve(static_cast<size_t>(std::max(0, helper_threads)));
  for (int i = 0; i < helper_threads; ++i) helpers_.emplace_back([this] { HelperLoop(); });
}

ComputePool::~ComputePool() { Close(); }

void ComputePool::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_ && helpers_.empty()) return;
    closing_ = true;
  }
  wake_.notify_all();
  for (std::thread& helper : helpers_) {
    if (helper.joinable()) helper.join();
  }
  helpers_.clear();
}

// Claims and runs one chunk of `batch`; false when none was left to claim.
bool ComputePool::RunOneChunk(Batch& batch) {
  const int chunk = batch.next_chunk.fetch_add(1);
  if (chunk >= batch.chunks) return false;
  std::exception_ptr error;
  if (!batch.failed.load()) {
    const int begin = chunk * batch.grain;
    const int end = std::min(batch.count, begin + batch.grain);
    try {
      (*batch.body)(begin, end);
    } catch (...) {
      error = std::current_exception();
      batch.failed.store(true);
    }
  }
  std::lock_guard<std::mutex> lock(batch.done_mutex);
  if (error && !batch.error) batch.error = error;
  if (++batch.finished_chunks == batch.chunks) batch.done_cv.notify_all();
  return true;
}

void ComputePool::ParallelFor(int count, int grain, const std::function<void(int, int)>& body) {
  if (count <= 0) return;
  grain = std::max(1, grain);
  auto batch = std::make_shared<Batch>();
  batch->body = &body;
  batch->count = count;
  batch->grain = grain;
  batch->chunks = (count + grain - 1) / grain;
  const bool share = batch->chunks > 1 && !helpers_.empty();
  if (share) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batches_.push_back(batch);
    }
    wake_.notify_all();
  }
  while (RunOneChunk(*batch)) {
  }
  {
    std::unique_lock<std::mutex> lock(batch->done_mutex);
    batch->done_cv.wait(lock, [&] { return batch->finished_chunks == batch->chunks; });
  }
  if (share) {
    std::lock_guard<std::mutex> lock(mutex_);
    batches_.erase(std::remove(batches_.begin(), batches_.end(), batch), batches_.end());
  }
  if (batch->error) std::rethrow_exception(batch->error);
}

void ComputePool::HelperLoop() {
  for (;;) {
    std::shared_ptr<Batch> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] {
        if (closing_) return true;
        for (const auto& candidate : batches_) {
          if (candidate->next_chunk.load() < candidate->chunks) return true;
        }
        return false;
      });
      if (closing_) return;
      for (const auto& candidate : batches_) {
        if (candidate->next_chunk.load() < candidate->chunks) {
          batch = candidate;
          break;
        }
      }
    }
    if (batch) {
      while (RunOneChunk(*batch)) {
      }
    }
  }
}

}  // namespace outpaint
