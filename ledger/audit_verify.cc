// Verification. Entries stream from the source one at a time: signatures are checked, leaves
// hashed into an in-memory Merkle store, and each entry replayed through the engine's
// projection into an in-memory database, which recomputes every balance.
#include "ledger/audit_verify.h"

#include <map>

#include "crypto/memory_node_store.h"
#include "crypto/merkle.h"
#include "crypto/signed_note.h"
#include "ledger/replay.h"

namespace pardner::ledger {
namespace {

Error at_entry(std::uint64_t seq, const std::string& what) {
  return entry_error(static_cast<Seq>(seq), what);
}

Result<crypto::VerifierKey> trusted_key(AuditSource& source, const VerifyOptions& options,
                                        bool& from_source) {
  std::string line;
  if (options.pinned_key) {
    line = *options.pinned_key;
  } else {
    auto text = source.verifier_key();
    if (!text) return text.error();
    line = text.value();
    from_source = true;
  }
  while (!line.empty() && line.back() == '\n') line.pop_back();
  auto key = crypto::parse_verifier_key(line);
  if (!key) return from_crypto_error(key.error());
  return std::move(key).value();
}

std::string describe(const TrialBalanceLine& line) {
  return "debits " + std::to_string(line.debits) + ", credits " + std::to_string(line.credits) +
         ", " + std::to_string(line.accounts) + " accounts";
}

}  // namespace

Result<VerifyReport> verify_log(AuditSource& source, const VerifyOptions& options) {
  VerifyReport report;
  // The checkpoint first: over a live log it fixes the state everything else is read at.
  auto note = source.checkpoint();
  if (!note) return note.error();
  auto key = trusted_key(source, options, report.key_from_source);
  if (!key) return key.error();
  auto checkpoint = crypto::open_checkpoint(note.value(), key.value());
  if (!checkpoint) {
    return Error{Errc::invalid_argument,
                 "checkpoint: " + std::string(crypto::wire_name(checkpoint.error().code)) + ": " +
                     checkpoint.error().detail};
  }
  report.checkpoint = checkpoint.value();

  std::optional<crypto::Checkpoint> since;
  if (options.since_checkpoint) {
    auto old = crypto::open_checkpoint(*options.since_checkpoint, key.value());
    if (!old) return Error{Errc::invalid_argument, "old checkpoint: " + old.error().detail};
    if (old.value().tree_size > report.checkpoint.tree_size) {
      return Error{Errc::invalid_argument, "the log shrank: the old checkpoint covers " +
                                               std::to_string(old.value().tree_size) +
                                               " entries, the new one " +
                                               std::to_string(report.checkpoint.tree_size)};
    }
    since = old.value();
  }

  auto replay = Replay::start();
  if (!replay) return replay.error();

  if (auto opened = source.open_entries(report.checkpoint.tree_size); !opened) {
    return opened.error();
  }
  crypto::MemoryNodeStore tree;
  std::uint64_t expected = 0;
  while (true) {
    auto next = source.next_entry();
    if (!next) return next.error();
    if (!next.value()) break;
    const SignedEntry& entry = *next.value();
    if (entry.seq < 0 || static_cast<std::uint64_t>(entry.seq) != expected) {
      return at_entry(expected, "found seq " + std::to_string(entry.seq) + " where " +
                                    std::to_string(expected) + " belongs");
    }
    if (!since || expected >= since->tree_size) {
      auto signature = crypto::signature_from_bytes(
          {reinterpret_cast<const std::uint8_t*>(entry.signature.data()), entry.signature.size()});
      if (!signature) return at_entry(expected, "entry has no valid signature field");
      auto valid = crypto::verify(key.value().public_key, entry.leaf, signature.value());
      if (!valid) return at_entry(expected, "signature does not verify with the trusted key");
      report.signatures_checked += 1;
    }
    if (auto applied = replay.value().apply(entry.seq, entry.leaf); !applied) {
      return applied.error();
    }
    tree.append(crypto::leaf_hash(entry.leaf));
    ++expected;
    if (options.progress && expected % 10000 == 0) {
      options.progress(expected, report.checkpoint.tree_size);
    }
  }
  report.entries = expected;
  if (report.entries != report.checkpoint.tree_size) {
    return Error{Errc::invalid_argument,
                 "the checkpoint covers " + std::to_string(report.checkpoint.tree_size) +
                     " entries but the source holds " + std::to_string(report.entries)};
  }
  auto root = crypto::root(report.entries, tree);
  if (!root || root.value() != report.checkpoint.root_hash) {
    return Error{Errc::invalid_argument,
                 "the Merkle root of the entries differs from the checkpoint's root"};
  }
  if (since) {
    auto proof = crypto::consistency_proof(since->tree_size, report.entries, tree);
    if (!proof) return from_crypto_error(proof.error());
    auto consistent = crypto::verify_consistency(since->tree_size, report.entries, since->root_hash,
                                                 root.value(), proof.value());
    if (!consistent) {
      return Error{Errc::invalid_argument,
                   "the log is not an extension of the old checkpoint: entries before " +
                       std::to_string(since->tree_size) + " were changed"};
    }
    report.consistent_with_size = since->tree_size;
  }
  auto trial = compute_trial_balance(replay.value().db());
  if (!trial) return trial.error();
  for (const auto& line : trial.value()) {
    if (line.debits != line.credits) {
      return Error{Errc::unbalanced, "trial balance in " + line.currency + " does not balance"};
    }
    report.accounts += line.accounts;
  }
  report.trial_balance = std::move(trial.value());
  if (options.on_replayed) options.on_replayed(replay.value().db());
  return report;
}

Result<VerifyReport> verify_export(const std::string& export_dir, const VerifyOptions& options) {
  auto source = open_export_directory(export_dir);
  return verify_log(*source, options);
}

std::vector<std::string> trial_balance_differences(const std::vector<TrialBalanceLine>& replayed,
                                                   const std::vector<TrialBalanceLine>& reported) {
  std::map<std::string, std::pair<const TrialBalanceLine*, const TrialBalanceLine*>> by_currency;
  for (const auto& line : replayed) by_currency[line.currency].first = &line;
  for (const auto& line : reported) by_currency[line.currency].second = &line;
  std::vector<std::string> differences;
  for (const auto& [currency, sides] : by_currency) {
    const auto& [ours, theirs] = sides;
    if (ours != nullptr && theirs != nullptr && *ours == *theirs) continue;
    differences.push_back(
        currency + ": the log replays to " + (ours ? describe(*ours) : std::string("nothing")) +
        "; the server reports " + (theirs ? describe(*theirs) : std::string("nothing")));
  }
  return differences;
}

}  // namespace pardner::ledger
