// One mutex guards the queue; a leaf is signed with it released. Signer threads and the
// collecting writer take jobs in seq order from the same queue, so the writer never waits while
// a job is still unclaimed. A job is found again after signing by its index and its ticket:
// tickets are never reused, so a job discarded (and its place refilled) meanwhile is not matched.
#include "ledger/entry_signer.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include "crypto/invariant.h"
#include "ledger/thread_name.h"

namespace pardner::ledger {
namespace {

constexpr std::size_t wake_after_jobs = 4;

}  // namespace

EntrySigner::EntrySigner(SignFunction sign, std::size_t threads) : sign_(std::move(sign)) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    try {
      threads_.emplace_back([this] { run(); });
      name_thread(threads_.back(), "pardner-signer");
    } catch (const std::system_error&) {
      // No thread to be had: do without it. collect signs whatever no thread takes, so fewer
      // threads (even none) is slower, never wrong.
      break;
    }
  }
}

EntrySigner::~EntrySigner() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void EntrySigner::add(Seq seq, std::string leaf) {
  auto shared = std::make_shared<const std::string>(std::move(leaf));
  std::lock_guard lock(mutex_);
  PARDNER_ASSERT(jobs_.empty() || seq == jobs_.back().seq + 1);
  jobs_.push_back(Job{next_ticket_++, seq, std::move(shared)});
  // An idle thread is woken once a few jobs wait, not for each: a signer outruns the writer, so
  // it drained the queue and slept before every add, and a wake-up per entry cost the writer
  // more than signing the few left over at collect, which takes them itself.
  if (idle_threads_ > 0 && jobs_.size() - next_queued_ >= wake_after_jobs) {
    work_ready_.notify_one();
  }
}

void EntrySigner::discard_from(Seq seq) {
  std::lock_guard lock(mutex_);
  while (!jobs_.empty() && jobs_.back().seq >= seq) {
    State state = jobs_.back().state;
    if (state == State::signed_ok || state == State::failed) --finished_;
    jobs_.pop_back();
  }
  next_queued_ = std::min(next_queued_, jobs_.size());
}

Result<std::vector<SignedLeaf>> EntrySigner::collect() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (auto index = claim()) {
      sign_claimed(lock, *index);
      continue;
    }
    if (finished_ == jobs_.size()) break;
    collecting_ = true;
    job_done_.wait(lock);
    collecting_ = false;
  }
  std::optional<Seq> failed;
  std::vector<SignedLeaf> signatures;
  signatures.reserve(jobs_.size());
  for (const Job& job : jobs_) {
    PARDNER_ASSERT(job.state == State::signed_ok || job.state == State::failed);
    if (job.state == State::failed && !failed) failed = job.seq;
    signatures.push_back(SignedLeaf{job.seq, job.signature});
  }
  jobs_.clear();
  next_queued_ = 0;
  finished_ = 0;
  if (failed) {
    return Error{Errc::storage_failed, "signing entry " + std::to_string(*failed) + " failed"};
  }
  return signatures;
}

void EntrySigner::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (auto index = claim()) {
      sign_claimed(lock, *index);
      continue;
    }
    ++idle_threads_;
    work_ready_.wait(lock);
    --idle_threads_;
  }
}

std::optional<std::size_t> EntrySigner::claim() {
  if (next_queued_ == jobs_.size()) return std::nullopt;
  jobs_[next_queued_].state = State::signing;
  return next_queued_++;
}

void EntrySigner::sign_claimed(std::unique_lock<std::mutex>& lock, std::size_t index) {
  const std::uint64_t ticket = jobs_[index].ticket;
  std::shared_ptr<const std::string> leaf = jobs_[index].leaf;
  lock.unlock();
  std::optional<crypto::Signature> signature = sign_(*leaf);
  lock.lock();
  if (index >= jobs_.size() || jobs_[index].ticket != ticket) return;  // discarded meanwhile
  Job& job = jobs_[index];
  PARDNER_ASSERT(job.state == State::signing);
  if (signature) {
    job.signature = *signature;
    job.state = State::signed_ok;
  } else {
    job.state = State::failed;
  }
  ++finished_;
  if (collecting_) job_done_.notify_one();
}

}  // namespace pardner::ledger
