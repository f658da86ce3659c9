// A fixed set of threads running submitted tasks in any order: the verifier spreads signature
// checks and leaf decoding over every core with it. Tasks must be pure (no database, no source);
// callers keep their own order by waiting for a batch before using its results.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pardner::ledger {

class WorkPool {
 public:
  // Starts `threads` threads (at least one).
  explicit WorkPool(unsigned threads);
  // Runs every task already submitted, then joins: a task may refer to its caller's objects
  // until then, so the pool is declared after (destroyed before) what its tasks touch.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues a task. A task must not throw.
  void submit(std::function<void()> task);
  unsigned threads() const { return static_cast<unsigned>(threads_.size()); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pardner::ledger
