#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace outpaint {

// Helper threads for data-parallel loops inside one task. The calling thread works too, so a
// pool of N - 1 helpers gives N-way parallelism, and several tasks may share the pool.
class ComputePool {
 public:
  explicit ComputePool(int helper_threads);
  ~ComputePool();
  ComputePool(const ComputePool&) = delete;
  ComputePool& operator=(const ComputePool&) = delete;

  // Calls body(begin, end) over [0, count) in chunks of `grain` and returns when all are done.
  // The first exception a chunk throws stops the chunks not yet started and is rethrown here.
  // Results must not depend on how chunks are spread over threads.
  void ParallelFor(int count, int grain, const std::function<void(int begin, int end)>& body);

  // Threads that may run a loop at once, the caller included.
  int concurrency() const { return static_cast<int>(helpers_.size()) + 1; }

  void Close();

 private:
  struct Batch;
  void HelperLoop();
  static bool RunOneChunk(Batch& batch);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Batch>> batches_;
  std::vector<std::thread> helpers_;
  bool closing_ = false;
};

}  // namespace outpaint
