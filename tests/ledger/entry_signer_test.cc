// The signer on its own, with real Ed25519 keys: every signature returned is the key's
// signature of exactly the leaf added for that seq, whichever thread made it; entries discarded
// while a thread was signing them never come back; a failure fails collect. Threads are made to
// meet at fixed points (waits with a deadline, no sleeps), so each case is the same every run.
#include "ledger/entry_signer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace pardner::ledger::testing {
namespace {

constexpr auto deadline = std::chrono::seconds(30);

crypto::SigningKey test_key() {
  crypto::SigningKey::Seed seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return crypto::SigningKey::from_seed(seed);
}

std::string leaf_of(Seq seq, const std::string& tag = "") {
  return R"({"kind":"test","seq":)" + std::to_string(seq) + R"(,"tag":")" + tag + R"("})";
}

// Records which threads signed, and lets a test hold a signing thread at a chosen leaf.
class SigningThreads {
 public:
  explicit SigningThreads(const crypto::SigningKey& key) : key_(key) {}

  EntrySigner::SignFunction function() {
    return [this](std::string_view leaf) -> std::optional<crypto::Signature> {
      std::unique_lock lock(mutex_);
      threads_.insert(std::this_thread::get_id());
      ++calls_;
      changed_.notify_all();
      if (leaf == hold_leaf_) {
        held_ = true;
        changed_.notify_all();
        // Held until released, or (the first leaf of SignsOnSeveralThreads) until another
        // thread has signed something.
        bool released = changed_.wait_for(lock, deadline, [&] {
          return released_ || (release_when_other_thread_signs_ && threads_.size() > 1);
        });
        EXPECT_TRUE(released) << "the held leaf was never released";
      }
      if (leaf == failing_leaf_) return std::nullopt;
      return key_.sign(leaf);
    };
  }

  void hold(std::string leaf, bool until_other_thread_signs = false) {
    std::lock_guard lock(mutex_);
    hold_leaf_ = std::move(leaf);
    release_when_other_thread_signs_ = until_other_thread_signs;
  }
  void fail(std::string leaf) {
    std::lock_guard lock(mutex_);
    failing_leaf_ = std::move(leaf);
  }
  bool wait_until_held() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, [&] { return held_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  std::size_t thread_count() {
    std::lock_guard lock(mutex_);
    return threads_.size();
  }

 private:
  const crypto::SigningKey& key_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::thread::id> threads_;
  std::size_t calls_ = 0;
  std::string hold_leaf_ = "\x01never";
  std::string failing_leaf_ = "\x01never";
  bool release_when_other_thread_signs_ = false;
  bool held_ = false;
  bool released_ = false;
};

void expect_signatures_of(const crypto::SigningKey& key,
                          const std::vector<SignedLeaf>& signed_leaves,
                          const std::vector<std::string>& leaves) {
  ASSERT_EQ(signed_leaves.size(), leaves.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    EXPECT_EQ(signed_leaves[i].seq, static_cast<Seq>(i));
    EXPECT_TRUE(crypto::verify(key.public_key(), leaves[i], signed_leaves[i].signature))
        << "entry " << i;
    // Ed25519 is deterministic: the very signature signing on one thread gives.
    EXPECT_EQ(signed_leaves[i].signature, key.sign(leaves[i])) << "entry " << i;
  }
}

TEST(EntrySigner, SignsOnSeveralThreadsAndReturnsEachLeafsSignatureInSeqOrder) {
  auto key = test_key();
  SigningThreads recorder(key);
  std::vector<std::string> leaves;
  for (Seq seq = 0; seq < 400; ++seq) leaves.push_back(leaf_of(seq));
  // The first leaf's signer waits until another thread has signed: at least two threads sign.
  recorder.hold(leaves[0], true);
  EntrySigner signer(recorder.function(), 3);
  EXPECT_EQ(signer.threads(), 3U);
  for (Seq seq = 0; seq < 400; ++seq) signer.add(seq, leaves[static_cast<std::size_t>(seq)]);
  auto signatures = signer.collect();
  ASSERT_TRUE(signatures) << signatures.error().detail;
  expect_signatures_of(key, signatures.value(), leaves);
  EXPECT_GE(recorder.thread_count(), 2U);

  // Empty again: the next batch starts from its own first seq.
  auto next = signer.collect();
  ASSERT_TRUE(next);
  EXPECT_TRUE(next.value().empty());
}

TEST(EntrySigner, WithNoThreadsCollectSignsEverything) {
  auto key = test_key();
  SigningThreads recorder(key);
  EntrySigner signer(recorder.function(), 0);
  std::vector<std::string> leaves;
  for (Seq seq = 0; seq < 20; ++seq) {
    leaves.push_back(leaf_of(seq));
    signer.add(seq, leaves.back());
  }
  auto signatures = signer.collect();
  ASSERT_TRUE(signatures);
  expect_signatures_of(key, signatures.value(), leaves);
  EXPECT_EQ(recorder.thread_count(), 1U);
}

// A savepoint rolled back: entries 3.. are discarded while a thread is signing entry 3, and
// made again with other bytes. The late signature of the old entry 3 must not be returned.
TEST(EntrySigner, ASignatureFinishedForADiscardedEntryIsThrownAway) {
  auto key = test_key();
  SigningThreads recorder(key);
  std::vector<std::string> leaves;
  for (Seq seq = 0; seq < 3; ++seq) leaves.push_back(leaf_of(seq));
  std::string discarded = leaf_of(3, "rolled back");
  recorder.hold(discarded);
  EntrySigner signer(recorder.function(), 1);
  for (Seq seq = 0; seq < 3; ++seq) signer.add(seq, leaves[static_cast<std::size_t>(seq)]);
  signer.add(3, discarded);
  signer.add(4, leaf_of(4, "rolled back"));
  ASSERT_TRUE(recorder.wait_until_held());  // the thread is inside the signing of entry 3
  signer.discard_from(3);
  for (Seq seq = 3; seq < 6; ++seq) {
    leaves.push_back(leaf_of(seq, "again"));
    signer.add(seq, leaves.back());
  }
  recorder.release();
  auto signatures = signer.collect();
  ASSERT_TRUE(signatures) << signatures.error().detail;
  expect_signatures_of(key, signatures.value(), leaves);
}

TEST(EntrySigner, AFailedSignatureFailsCollectAndLeavesTheSignerEmpty) {
  auto key = test_key();
  SigningThreads recorder(key);
  recorder.fail(leaf_of(7));
  EntrySigner signer(recorder.function(), 2);
  for (Seq seq = 0; seq < 20; ++seq) signer.add(seq, leaf_of(seq));
  auto signatures = signer.collect();
  ASSERT_FALSE(signatures);
  EXPECT_EQ(signatures.error().code, Errc::storage_failed);
  EXPECT_NE(signatures.error().detail.find("entry 7"), std::string::npos)
      << signatures.error().detail;

  signer.add(0, leaf_of(0));  // seq 0 again: nothing of the failed batch is left
  auto next = signer.collect();
  ASSERT_TRUE(next);
  expect_signatures_of(key, next.value(), {leaf_of(0)});
}

}  // namespace
}  // namespace pardner::ledger::testing
