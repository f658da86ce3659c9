// WorkPool: one queue under one mutex. Tasks are coarse (hundreds of entries each), so the lock
// is taken a few thousand times a second at most.
#include "ledger/work_pool.h"

#include "crypto/invariant.h"
#include "ledger/thread_name.h"

namespace pardner::ledger {

WorkPool::WorkPool(unsigned threads) {
  PARDNER_ASSERT(threads >= 1);
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { run(); });
    name_thread(threads_.back(), "pardner-pool");
  }
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    PARDNER_ASSERT(!stopping_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void WorkPool::run() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      // Stopping drains the queue first: a queued task's caller may be waiting on it.
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace pardner::ledger
