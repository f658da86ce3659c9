// Signs a batch's entries off the writer thread. The writer hands each entry's leaf over as soon
// as it is made and goes on applying commands while signer threads sign; before the commit it
// collects every signature, in seq order, signing itself whatever no signer has started.
// Never touches the database, and never returns a signature except for the exact leaf bytes it
// was given for that seq: entries dropped by a rolled-back savepoint are forgotten, and a
// signature finished for one of them after that is thrown away.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/ed25519.h"
#include "ledger/error.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct SignedLeaf {
  Seq seq = 0;
  crypto::Signature signature{};
};

class EntrySigner {
 public:
  // Signs one leaf; nullopt when it could not (then the batch fails). Called on several threads
  // at once, so it must be safe to (SigningKey::sign is: it only reads the key).
  using SignFunction = std::function<std::optional<crypto::Signature>(std::string_view leaf)>;

  // Starts `threads` signer threads (0: the writer signs everything itself in collect). `sign`
  // must stay valid until the signer is destroyed.
  EntrySigner(SignFunction sign, std::size_t threads);
  ~EntrySigner();  // stops and joins the threads; pending work is dropped
  EntrySigner(const EntrySigner&) = delete;
  EntrySigner& operator=(const EntrySigner&) = delete;

  // Queues entry `seq` with its leaf bytes. Entries come in seq order without gaps: `seq` is
  // one past the last one kept (after discard_from, the seq discarded from).
  void add(Seq seq, std::string leaf);
  // Forgets every queued entry from `seq` on: the writer rolled them back.
  void discard_from(Seq seq);
  // Waits until every queued entry is signed, helping on this thread, and returns their
  // signatures in seq order, leaving the signer empty. storage_failed if any signing failed
  // (nothing is returned then, and the signer is empty too).
  Result<std::vector<SignedLeaf>> collect();

  std::size_t threads() const { return threads_.size(); }

 private:
  enum class State : std::uint8_t { queued, signing, signed_ok, failed };
  struct Job {
    std::uint64_t ticket;  // never reused: a late result recognises its own job by it
    Seq seq;
    std::shared_ptr<const std::string> leaf;  // shared with the thread signing it
    State state = State::queued;
    crypto::Signature signature{};
  };

  void run();
  // With the lock held: takes the first queued job for signing; its index, or nullopt.
  std::optional<std::size_t> claim();
  // Signs the claimed job at `index` with the lock released, then records the outcome if that
  // job is still there (not discarded meanwhile).
  void sign_claimed(std::unique_lock<std::mutex>& lock, std::size_t index);

  SignFunction sign_;
  std::mutex mutex_;
  std::condition_variable work_ready_;  // signers wait for jobs
  std::condition_variable job_done_;    // collect waits for signers
  std::deque<Job> jobs_;                // the kept entries, in seq order
  std::size_t next_queued_ = 0;         // jobs_ before it are being signed or done
  std::size_t finished_ = 0;            // jobs_ signed_ok or failed
  std::uint64_t next_ticket_ = 0;
  std::size_t idle_threads_ = 0;
  bool collecting_ = false;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pardner::ledger
