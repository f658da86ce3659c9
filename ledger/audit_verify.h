// The auditor's verifier, over any AuditSource (an export directory, a live server). Trusts
// nothing the source hands over but what the pinned verifier key vouches for: checks every
// signature (or a sample of them, or none: the signed checkpoint over the Merkle root already
// vouches for every leaf), that seq runs 0..n-1, that the Merkle root of the leaves is the
// checkpoint's root and the checkpoint is signed by the key, and replays every entry to recompute
// every balance and the trial balance. The first failure names the entry: signature checks run
// on every core, yet the failure named is the one a check in log order would meet first.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/checkpoint.h"
#include "ledger/audit_source.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/state.h"

namespace pardner::ledger {

// Which entries' signatures verify checks. The checkpoint's signature and every leaf's hash are
// checked in every mode.
enum class SignatureCheck : std::uint8_t {
  all,     // every entry's
  sample,  // signature_sample_count entries picked at random (all of them if the log is smaller)
  none,
};

// What verify replays. The checkpoint, the hashes and the signatures asked for are checked
// either way.
enum class ReplayCheck : std::uint8_t {
  full,      // every entry through the engine's projection into a scratch database
  balances,  // the money rules alone, in memory (ledger/balance_replay.h): faster, checks less
};

struct VerifyOptions {
  // The verifier key line the auditor trusts. Without it the source's own key is used, and the
  // report says so: that proves consistency, not origin.
  std::optional<std::string> pinned_key;
  // A signed checkpoint kept from an earlier verification: the new checkpoint must be
  // consistent with it (RFC 9162 consistency proof), and only newer entries' signatures are
  // checked again.
  std::optional<std::string> since_checkpoint;
  // Called now and then with (entries done, entries in all).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  // Called once the whole log has verified, with the database it was replayed into: the
  // integrity check compares it with the stored tables, so the log is replayed only once.
  // Only with ReplayCheck::full.
  std::function<void(Database& replayed)> on_replayed;
  ReplayCheck replay = ReplayCheck::full;
  SignatureCheck signatures = SignatureCheck::all;
  std::uint64_t signature_sample_count = 0;
  // The sample's seed; without one it comes from the OS. Reported either way, so a sample can be
  // drawn again.
  std::optional<std::uint64_t> sample_seed;
  // Threads checking signatures and decoding leaves beside the replay; 0 is one per core. With
  // 1 everything runs on the calling thread.
  unsigned threads = 0;
};

struct VerifyReport {
  std::uint64_t entries = 0;
  ReplayCheck replay = ReplayCheck::full;
  std::uint64_t signatures_checked = 0;
  SignatureCheck signatures = SignatureCheck::all;
  std::optional<std::uint64_t> sample_seed;  // with SignatureCheck::sample
  crypto::Checkpoint checkpoint;
  std::optional<std::uint64_t> consistent_with_size;  // with --since
  bool key_from_source = false;
  std::int64_t accounts = 0;
  std::vector<TrialBalanceLine> trial_balance;
};

Result<VerifyReport> verify_log(AuditSource& source, const VerifyOptions& options);

// Sets options.signatures (and the sample count) from "all", "sample:N" (1 <= N, decimal) or
// "none", the forms `pardner verify --signatures` takes; anything else is invalid_argument.
Result<Ok> parse_signature_check(std::string_view text, VerifyOptions& options);

// Sets options.replay from "full" or "balances", the forms `pardner verify --replay` takes;
// anything else is invalid_argument.
Result<Ok> parse_replay_check(std::string_view text, VerifyOptions& options);

// verify_log over an export directory.
Result<VerifyReport> verify_export(const std::string& export_dir, const VerifyOptions& options);

// How a trial balance someone reports differs from the replay's: one line per currency whose
// debits, credits or account count differ, or that only one side has, naming both sides'
// amounts in minor units. Empty when they agree.
std::vector<std::string> trial_balance_differences(const std::vector<TrialBalanceLine>& replayed,
                                                   const std::vector<TrialBalanceLine>& reported);

}  // namespace pardner::ledger
