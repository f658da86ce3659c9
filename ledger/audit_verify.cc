// Verification. Entries stream from the source in batches: while the caller's thread replays
// one batch through the engine's projection (into a scratch database, which recomputes every
// balance) and folds its leaf hashes into a Merkle frontier, a pool parses the next batch's
// records, checks their signatures and decodes their leaves. Memory stays bounded: two batches,
// O(log n) hashes, and the scratch database's page cache.
#include "ledger/audit_verify.h"

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <charconv>
#include <deque>
#include <latch>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "crypto/invariant.h"
#include "crypto/merkle.h"
#include "crypto/merkle_frontier.h"
#include "crypto/signed_note.h"
#include "ledger/replay.h"
#include "ledger/work_pool.h"

namespace pardner::ledger {
namespace {

// Entries per batch: enough that a pool task outweighs its hand-off, few enough that two
// batches in flight are a few megabytes.
constexpr std::size_t verify_batch_entries = 1024;
// Pool tasks per batch per thread, so a thread that got the slower entries does not hold up
// the others for long.
constexpr std::size_t verify_tasks_per_thread = 4;
constexpr unsigned verify_threads_max = 64;

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

enum class SignatureOutcome : std::uint8_t { unchecked, valid, malformed, invalid };

// One entry on its way through: what the source gave, and what the pool made of it.
struct Pending {
  AuditSource::Record record;
  SignedEntry entry;
  // The source's refusal of the record, or a seq out of place: named before anything else.
  std::optional<Error> unreadable;
  bool check_signature = false;
  SignatureOutcome signature = SignatureOutcome::unchecked;
  crypto::Hash leaf_hash{};
  std::optional<Result<Entry>> decoded;
};

struct Batch {
  // One per pool task: the decoded entries' fields, freed whole with the batch. Declared before
  // the items, so the items (whose fields live here) go first.
  std::vector<std::unique_ptr<boost::json::monotonic_resource>> arenas;
  std::vector<Pending> items;
  // Why reading stopped inside this batch (the source could not read on); named only after
  // every entry before it has been checked, as a one-at-a-time verifier would.
  std::optional<Error> stopped;
  bool last = false;
  std::unique_ptr<std::latch> done;
};

// The pool's half of an entry: pure, so any thread may do it.
void check(Pending& item, const AuditSource& source, const crypto::PublicKey& key,
           boost::json::monotonic_resource& arena) {
  auto parsed = source.parse_record(item.record);
  item.record.text = {};
  if (!parsed) {
    item.unreadable = parsed.error();
    return;
  }
  item.entry = std::move(parsed).value();
  const SignedEntry& entry = item.entry;
  const std::uint64_t position = item.record.position;
  if (entry.seq < 0 || static_cast<std::uint64_t>(entry.seq) != position) {
    item.unreadable = at_entry(position, "found seq " + std::to_string(entry.seq) + " where " +
                                             std::to_string(position) + " belongs");
    return;
  }
  if (item.check_signature) {
    auto signature = crypto::signature_from_bytes(
        {reinterpret_cast<const std::uint8_t*>(entry.signature.data()), entry.signature.size()});
    if (!signature) {
      item.signature = SignatureOutcome::malformed;
    } else {
      item.signature = crypto::verify(key, entry.leaf, signature.value())
                           ? SignatureOutcome::valid
                           : SignatureOutcome::invalid;
    }
  }
  item.leaf_hash = crypto::leaf_hash(entry.leaf);
  // A plain pointer: the arena is not reference-counted, and the batch outlives the entries.
  item.decoded = Replay::decode(entry.seq, entry.leaf, boost::json::storage_ptr(&arena));
}

// Which seqs in [first, end) the sample checks: `count` of them, distinct, by Floyd's algorithm.
std::set<std::uint64_t> pick_sample(std::uint64_t first, std::uint64_t end, std::uint64_t count,
                                    std::uint64_t seed) {
  std::set<std::uint64_t> picked;
  if (first >= end) return picked;
  const std::uint64_t size = end - first;
  std::mt19937_64 rng(seed);
  for (std::uint64_t j = size - std::min(count, size); j < size; ++j) {
    const std::uint64_t t = std::uniform_int_distribution<std::uint64_t>(0, j)(rng);
    picked.insert(first + (picked.contains(first + t) ? j : t));
  }
  return picked;
}

unsigned thread_count(const VerifyOptions& options) {
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  return std::clamp(threads, 1u, verify_threads_max);
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
  // Entries a kept checkpoint vouches for are not checked again.
  const std::uint64_t first_checked = since ? since->tree_size : 0;
  report.signatures = options.signatures;
  std::set<std::uint64_t> sample;
  if (options.signatures == SignatureCheck::sample) {
    report.sample_seed = options.sample_seed ? *options.sample_seed : std::random_device{}();
    sample = pick_sample(first_checked, report.checkpoint.tree_size, options.signature_sample_count,
                         *report.sample_seed);
  }
  auto wants_signature = [&](std::uint64_t seq) {
    if (seq < first_checked) return false;
    switch (options.signatures) {
      case SignatureCheck::all:
        return true;
      case SignatureCheck::sample:
        return sample.contains(seq);
      case SignatureCheck::none:
        return false;
    }
    return true;
  };

  PARDNER_ASSERT(options.replay == ReplayCheck::full || !options.on_replayed);
  report.replay = options.replay;
  // A comparison (on_replayed) reads the scratch postings by account, as the stored ones are
  // clustered, so that replay merges as the writer does; without one, rarely.
  const std::int64_t merge_entries =
      options.on_replayed ? postings_merge_entries_default : uncompared_replay_merge_entries;
  auto replay = options.replay == ReplayCheck::full ? Replay::start(merge_entries)
                                                    : Result<Replay>(Replay::start_balances_only());
  if (!replay) return replay.error();

  if (auto opened = source.open_entries(report.checkpoint.tree_size); !opened) {
    return opened.error();
  }
  crypto::MerkleFrontier tree;
  // With --since: is the old checkpoint's root the root of the same number of our leaves?
  // That is what an RFC 9162 consistency proof between the two would establish.
  std::optional<bool> extends_since;
  auto note_since = [&] {
    if (since && !extends_since && tree.size() == since->tree_size) {
      extends_since = tree.root() == since->root_hash;
    }
  };
  note_since();

  const unsigned threads = thread_count(options);
  const crypto::PublicKey& public_key = key.value().public_key;
  // Only reading here: the source parses each record on the pool (check), and a record that
  // is malformed or out of place is named in log order (finish).
  std::uint64_t expected = 0;  // the next seq read from the source
  auto read_batch = [&]() {
    auto batch = std::make_unique<Batch>();
    batch->items.reserve(verify_batch_entries);
    while (batch->items.size() < verify_batch_entries) {
      auto next = source.next_record();
      if (!next) {
        batch->stopped = next.error();
        break;
      }
      if (!next.value()) {
        batch->last = true;
        break;
      }
      PARDNER_ASSERT(next.value()->position == expected);
      batch->items.push_back(Pending{.record = std::move(*next.value()),
                                     .check_signature = wants_signature(expected)});
      ++expected;
    }
    return batch;
  };

  std::uint64_t verified = 0;
  // Checks one batch in log order, the pool's results included; the first failure ends it.
  auto finish = [&](Batch& batch) -> Result<Ok> {
    if (batch.done) batch.done->wait();
    for (Pending& item : batch.items) {
      if (item.unreadable) return *item.unreadable;
      switch (item.signature) {
        case SignatureOutcome::unchecked:
          break;
        case SignatureOutcome::valid:
          report.signatures_checked += 1;
          break;
        case SignatureOutcome::malformed:
          return at_entry(verified, "entry has no valid signature field");
        case SignatureOutcome::invalid:
          return at_entry(verified, "signature does not verify with the trusted key");
      }
      if (!item.decoded->has_value()) return item.decoded->error();
      auto applied = replay.value().apply_decoded(item.entry.seq, item.decoded->value());
      if (!applied) return applied.error();
      tree.append(item.leaf_hash);
      ++verified;
      note_since();
      if (options.progress && verified % 10000 == 0) {
        options.progress(verified, report.checkpoint.tree_size);
      }
    }
    if (batch.stopped) return *batch.stopped;
    return Ok{};
  };

  // Declared before the pool, so the pool finishes its tasks before the batches go.
  std::deque<std::unique_ptr<Batch>> in_flight;
  std::optional<WorkPool> pool;
  if (threads > 1) pool.emplace(threads);
  auto dispatch = [&](Batch& batch) {
    if (!pool) {
      auto& arena = batch.arenas.emplace_back(std::make_unique<boost::json::monotonic_resource>());
      for (Pending& item : batch.items) check(item, source, public_key, *arena);
      return;
    }
    const std::size_t tasks =
        std::min<std::size_t>(batch.items.size(), std::size_t{threads} * verify_tasks_per_thread);
    if (tasks == 0) return;
    batch.done = std::make_unique<std::latch>(static_cast<std::ptrdiff_t>(tasks));
    for (std::size_t t = 0; t < tasks; ++t) {
      const std::size_t begin = batch.items.size() * t / tasks;
      const std::size_t end = batch.items.size() * (t + 1) / tasks;
      auto& arena = *batch.arenas.emplace_back(std::make_unique<boost::json::monotonic_resource>());
      pool->submit([&batch, begin, end, &source, &public_key, &arena] {
        for (std::size_t i = begin; i < end; ++i) {
          check(batch.items[i], source, public_key, arena);
        }
        batch.done->count_down();
      });
    }
  };

  // Two batches in flight: the pool works on the newer while this thread replays the older.
  while (true) {
    in_flight.push_back(read_batch());
    Batch& newest = *in_flight.back();
    const bool reading_done = newest.last || newest.stopped;
    dispatch(newest);
    while (in_flight.size() > (reading_done ? 0u : 1u)) {
      if (auto done = finish(*in_flight.front()); !done) return done.error();
      in_flight.pop_front();
    }
    if (reading_done) break;
  }
  report.entries = verified;
  if (report.entries != report.checkpoint.tree_size) {
    return Error{Errc::invalid_argument,
                 "the checkpoint covers " + std::to_string(report.checkpoint.tree_size) +
                     " entries but the source holds " + std::to_string(report.entries)};
  }
  if (tree.root() != report.checkpoint.root_hash) {
    return Error{Errc::invalid_argument,
                 "the Merkle root of the entries differs from the checkpoint's root"};
  }
  if (since) {
    if (!extends_since || !*extends_since) {
      return Error{Errc::invalid_argument,
                   "the log is not an extension of the old checkpoint: entries before " +
                       std::to_string(since->tree_size) + " were changed"};
    }
    report.consistent_with_size = since->tree_size;
  }
  auto trial = replay.value().trial_balance();
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

Result<Ok> parse_signature_check(std::string_view text, VerifyOptions& options) {
  constexpr std::string_view sample_prefix = "sample:";
  if (text == "all" || text == "none") {
    options.signatures = text == "all" ? SignatureCheck::all : SignatureCheck::none;
    return Ok{};
  }
  if (text.starts_with(sample_prefix)) {
    std::string_view digits = text.substr(sample_prefix.size());
    std::uint64_t count = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec == std::errc{} && end == digits.data() + digits.size() && count >= 1) {
      options.signatures = SignatureCheck::sample;
      options.signature_sample_count = count;
      return Ok{};
    }
  }
  return Error{Errc::invalid_argument, "signatures must be all, sample:N (N >= 1) or none"};
}

Result<Ok> parse_replay_check(std::string_view text, VerifyOptions& options) {
  if (text == "full" || text == "balances") {
    options.replay = text == "full" ? ReplayCheck::full : ReplayCheck::balances;
    return Ok{};
  }
  return Error{Errc::invalid_argument, "replay must be full or balances"};
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
