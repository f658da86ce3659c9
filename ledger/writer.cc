// The writer thread. Per batch: BEGIN IMMEDIATE; per command settle the idempotency key and
// apply (an atomic group inside a savepoint of its own), each entry's leaf going to the signer
// threads as it is made; collect and store the signatures; sign a checkpoint for the new size;
// COMMIT once (one fsync for the batch); then complete.
//
// Savepoints: a refused command must leave nothing behind. Commands check everything before
// they write, so the batch first runs without a savepoint per command (their sub-journal page
// copies were the largest cost of ours per transfer); a refusal that changed no row
// (sqlite3_total_changes) left nothing. Should a command be refused after writing anyway, the
// whole batch is rolled back and run again, every command in its own savepoint: the old way.
#include "ledger/writer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>

#include "ledger/idempotency.h"
#include "ledger/limits.h"
#include "ledger/operations.h"
#include "ledger/postings_merge.h"
#include "ledger/signed_log.h"
#include "ledger/sqlite_setup.h"
#include "ledger/state.h"
#include "ledger/thread_name.h"
#include "ledger/validation.h"
#include "ledger/wal_index_watch.h"

namespace pardner::ledger {
namespace {

// How long the writer sleeps with nothing queued before it looks for expired pending
// transactions again.
constexpr auto expiry_poll_interval = std::chrono::milliseconds(1000);

// How long clearing the WAL of replaced profiles waits for readers to leave it, and how soon it
// is tried again when they did not: a backup's snapshot can hold it back for minutes, and every
// wait holds up the writes behind it.
constexpr int wal_clear_wait_ms = 200;
constexpr auto wal_clear_retry = std::chrono::seconds(10);

// Microseconds from `started` to now, for the writer's stats.
std::uint64_t micros_since(std::chrono::steady_clock::time_point started) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - started)
                                        .count());
}

Result<LogTail> read_tail(Database& db) {
  Statement& query = db.cached("SELECT seq, leaf FROM entries ORDER BY seq DESC LIMIT 1");
  auto row = query.step();
  if (!row) return row.error();
  LogTail tail;
  if (row.value()) {
    auto blob = query.column_blob(1);
    auto entry = decode_leaf({reinterpret_cast<const char*>(blob.data()), blob.size()});
    if (!entry) {
      query.reset();
      return Error{Errc::storage_failed, "last entry is unreadable: " + entry.error().detail};
    }
    tail.next_seq = query.column_int(0) + 1;
    tail.last_ts = entry.value().ts;
  }
  query.reset();
  return tail;
}

}  // namespace

std::size_t WriterOptions::default_signer_threads() {
  unsigned cores = std::thread::hardware_concurrency();  // 0 when unknown
  return std::min<std::size_t>(cores > 1 ? cores - 1 : 0, signer_threads_max);
}

Result<std::unique_ptr<Writer>> Writer::start(const std::string& db_path, const Clock& clock,
                                              crypto::NamedSigningKey key, WriterOptions options) {
  if (options.signer_threads > signer_threads_max) {
    return Error{Errc::invalid_argument,
                 "at most " + std::to_string(signer_threads_max) + " signer threads"};
  }
  // Watched: published_accounts_ must turn odd before a commit of this connection is visible.
  auto db = Database::open(db_path, Database::Mode::read_write, watched_vfs_name());
  if (!db) return db.error();
  auto settings = load_settings(db.value());
  if (!settings) return settings.error();
  if (key.name != settings.value().log_origin) {
    return Error{Errc::invalid_argument, "the signing key is named " + key.name +
                                             " but the log's origin is " +
                                             settings.value().log_origin};
  }
  auto tail = read_tail(db.value());
  if (!tail) return tail.error();
  if (auto begun = db.value().exec("BEGIN IMMEDIATE"); !begun) return begun.error();
  auto caught_up =
      catch_up_signed_log(db.value(), key, static_cast<std::uint64_t>(tail.value().next_seq));
  if (!caught_up) {
    (void)db.value().exec("ROLLBACK");
    return caught_up.error();
  }
  if (auto committed = db.value().exec("COMMIT"); !committed) return committed.error();
  auto idempotency = IdempotencyIndex::load(db.value());
  if (!idempotency) return idempotency.error();
  auto recent_postings = recent_postings_state(db.value());
  if (!recent_postings) return recent_postings.error();
  auto oldest_recent_posting = oldest_recent_posting_seq(
      db.value(), recent_postings.value().appending, tail.value().next_seq);
  if (!oldest_recent_posting) return oldest_recent_posting.error();
  std::unique_ptr<Writer> writer(new Writer(std::move(db.value()), std::move(settings.value()),
                                            std::move(key), tail.value(), clock,
                                            std::move(idempotency.value()), options));
  writer->recent_postings_ = recent_postings.value();
  writer->oldest_recent_posting_ = oldest_recent_posting.value();
  // A failed checkpoint loses nothing committed, but the disk under the ledger is failing:
  // stop taking writes, as after any storage failure.
  auto checkpointer =
      WalCheckpointer::start(db_path, options.checkpoint_wal_frames,
                             [w = writer.get()](const Error& e) { w->fail_stop(e); });
  if (!checkpointer) return checkpointer.error();
  writer->checkpointer_ = std::move(checkpointer.value());
  writer->checkpointer_->attach(writer->db_);
  writer->watch_commits();
  if (auto loaded = writer->published_accounts_.load(writer->db_); !loaded) return loaded.error();
  writer->thread_ = std::thread([w = writer.get()] { w->run(); });
  name_thread(writer->thread_, "pardner-writer");
  return writer;
}

Writer::Writer(Database db, Settings settings, crypto::NamedSigningKey key, LogTail tail,
               const Clock& clock, IdempotencyIndex idempotency, const WriterOptions& options)
    : db_(std::move(db)),
      settings_(std::move(settings)),
      key_(std::move(key)),
      tail_(tail),
      clock_(clock),
      signer_([this](std::string_view leaf) { return std::optional(key_.key.sign(leaf)); },
              options.signer_threads),
      idempotency_(std::move(idempotency)),
      postings_merge_entries_(options.postings_merge_entries),
      postings_merge_step_(options.postings_merge_step) {
  stats_.entries = static_cast<std::uint64_t>(tail.next_seq);
  stats_.idempotency_keys_in_memory = idempotency_.keys();
  stats_.idempotency_index_bytes = idempotency_.bytes();
}

Writer::~Writer() { stop(); }

std::vector<Writer::Work> Writer::take_batch() {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, expiry_poll_interval,
                 [&] { return !queue_.empty() || stopping_ || expiry_check_requested_; });
  expiry_check_requested_ = false;
  std::vector<Work> work;
  std::size_t count = 0;
  // A group is never split: it goes whole into a batch with room left for it, or first into an
  // empty one. So a batch takes at most max(batch_commands_max, atomic_group_commands_max).
  while (!queue_.empty()) {
    std::size_t size = command_count(queue_.front());
    if (!work.empty() && count + size > batch_commands_max) break;
    count += size;
    work.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  PARDNER_ASSERT(count <= std::max(batch_commands_max, atomic_group_commands_max));
  queued_commands_ -= count;
  return work;
}

void Writer::run() {
  while (true) {
    std::vector<Work> items = take_batch();
    if (!healthy_.load()) {
      for (Work& unit : items) refuse(unit, Error{Errc::unavailable, "the writer stopped"});
    } else {
      Timestamp now = std::max(clock_.now(), tail_.last_ts);
      auto expiries = due_expiries(now);
      if (!expiries) {
        fail_stop(expiries.error());
        continue;
      }
      // The writer's own expiries go first: a client's post of a timed-out pending
      // transaction in the same batch then sees it expired, as the clock says it is.
      if (!expiries.value().empty()) {
        for (Work& unit : items) expiries.value().push_back(std::move(unit));
        items = std::move(expiries.value());
      }
      if (!items.empty()) {
        run_batch(std::move(items));
      } else {
        // Idle: a merge under way goes on, and its steps keep nobody waiting now.
        upkeep_between_batches();
      }
    }
    std::lock_guard lock(mutex_);
    if (stopping_ && queue_.empty()) break;
  }
}

Result<std::vector<Writer::Work>> Writer::due_expiries(Timestamp now) {
  Statement& query = db_.cached(
      "SELECT id FROM transactions WHERE status = 'pending' AND timeout_us IS NOT NULL"
      " AND timeout_us <= ? ORDER BY timeout_us, id LIMIT ?");
  query.bind(1, now).bind(2, static_cast<std::int64_t>(expiries_per_batch_max));
  std::vector<Work> items;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    items.emplace_back(Item{ExpirePending{query.column_int(0)}, {}});
  }
  query.reset();
  return items;
}

Result<Applied> Writer::run_command(WriteTxn& txn, const Command& command, Undo undo) {
  const std::string& key = idempotency_key_of(command);
  if (!key.empty() || requires_idempotency_key(command)) {
    if (auto ok = check_idempotency_key(key); !ok) return ok.error();  // not remembered
  }
  RequestHash request{};
  std::optional<IdempotencyKey> remembered;
  if (!key.empty()) {
    request = request_hash_of(command);
    remembered.emplace(key);
    auto settled = settle_idempotency_key(db_, idempotency_, *remembered, request);
    if (!settled) return settled.error();
    if (settled.value()) return std::move(*settled.value());
  }

  LogTail before = tail_;
  const std::int64_t changes_before = db_.total_changes();
  if (undo == Undo::own_savepoint) {
    if (auto done = db_.cached("SAVEPOINT command").run(); !done) return done.error();
  }
  auto outcome = std::visit([&](const auto& c) { return apply(txn, c); }, command);
  if (outcome && std::holds_alternative<SetMemberProfile>(command)) {
    wal_holds_replaced_profiles_ = true;
  }
  if (outcome) {
    if (undo == Undo::own_savepoint) {
      if (auto done = db_.cached("RELEASE command").run(); !done) return done.error();
    }
  } else {
    if (outcome.error().code == Errc::storage_failed) return outcome;  // the batch fails whole
    if (undo == Undo::own_savepoint) {
      if (auto done = db_.cached("ROLLBACK TO command").run(); !done) return done.error();
      if (auto done = db_.cached("RELEASE command").run(); !done) return done.error();
    } else if (undo == Undo::batch_rerun && db_.total_changes() != changes_before) {
      refused_after_writing_ = true;  // nothing undoes its rows here: the batch runs again
      return outcome;
    }
    // Its entries, if any, are gone with its savepoint (or its group's, or it wrote none).
    tail_ = before;
    signer_.discard_from(before.next_seq);
  }
  if (remembered) {
    if (auto done = remember_outcome(db_, idempotency_, *remembered, request, outcome); !done) {
      return done.error();
    }
  }
  return outcome;
}

Result<std::vector<Result<Applied>>> Writer::run_group(WriteTxn& txn,
                                                       const std::vector<Command>& commands) {
  // The group's savepoint undoes the group as a whole on any refusal, the refused command's own
  // writes included, so its commands need none of their own.
  LogTail before = tail_;
  if (auto done = db_.cached("SAVEPOINT atomic_group").run(); !done) return done.error();
  std::vector<Result<Applied>> results;
  results.reserve(commands.size());
  std::optional<std::size_t> refused;
  for (std::size_t i = 0; i < commands.size() && !refused; ++i) {
    auto outcome = run_command(txn, commands[i], Undo::group_savepoint);
    if (!outcome && outcome.error().code == Errc::storage_failed) return outcome.error();
    if (!outcome) refused = i;
    results.push_back(std::move(outcome));
  }
  if (!refused) {
    if (auto done = db_.cached("RELEASE atomic_group").run(); !done) return done.error();
    return results;
  }
  // Undoes the entries, the derived rows and the idempotency records of every command before
  // the refused one, and that one's remembered refusal too: the group left no trace, so a
  // corrected retry under the same keys is a new request, not a replay of this refusal.
  if (auto done = db_.cached("ROLLBACK TO atomic_group").run(); !done) return done.error();
  if (auto done = db_.cached("RELEASE atomic_group").run(); !done) return done.error();
  tail_ = before;
  signer_.discard_from(before.next_seq);
  Error not_applied{Errc::batch_rolled_back,
                    "not applied: command " + std::to_string(*refused) +
                        " of the atomic group was refused (" +
                        std::string(wire_name(results[*refused].error().code)) +
                        "), so none of the group was applied"};
  std::vector<Result<Applied>> answers;
  answers.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    answers.push_back(i == *refused ? std::move(results[i]) : Result<Applied>(not_applied));
  }
  return answers;
}

Result<bool> Writer::apply_batch(const std::vector<Work>& work, Timestamp now, Undo undo,
                                 std::vector<Outcome>& outcomes, std::size_t& commands) {
  if (auto done = db_.exec("BEGIN IMMEDIATE"); !done) return done.error();
  WriteTxn txn(db_, settings_, signer_, tail_, now, recent_postings_.appending);
  refused_after_writing_ = false;
  outcomes.clear();
  outcomes.reserve(work.size());
  commands = 0;
  for (const Work& unit : work) {
    commands += command_count(unit);
    if (const Item* item = std::get_if<Item>(&unit)) {
      auto outcome = run_command(txn, item->command, undo);
      if (!outcome && outcome.error().code == Errc::storage_failed) return outcome.error();
      if (refused_after_writing_) return false;
      outcomes.emplace_back(std::in_place_index<0>, std::move(outcome));
    } else {
      auto results = run_group(txn, std::get<Group>(unit).commands);
      if (!results) return results.error();
      outcomes.emplace_back(std::in_place_index<1>, std::move(results.value()));
    }
  }
  return true;
}

Result<Ok> Writer::store_signatures() {
  auto signatures = signer_.collect();
  if (!signatures) return signatures.error();
  for (const SignedLeaf& signed_leaf : signatures.value()) {
    auto stored = store_entry_signature(db_, signed_leaf.seq, signed_leaf.signature);
    if (!stored) return stored;
  }
  return Ok{};
}

void Writer::run_batch(std::vector<Work> work) {
  auto started = std::chrono::steady_clock::now();
  LogTail before = tail_;
  // Taken once: a batch run again dates its entries as the first run did.
  Timestamp now = std::max(clock_.now(), tail_.last_ts);
  std::vector<Outcome> outcomes;
  std::size_t commands = 0;
  bool rerun = false;
  std::optional<Error> storage_failure;
  auto applied = apply_batch(work, now, Undo::batch_rerun, outcomes, commands);
  if (applied && !applied.value()) {
    // A command was refused after writing: undo the whole batch and run it again the careful
    // way. Nobody has heard of any outcome yet, and the signer forgets every entry.
    rerun = true;
    tail_ = before;
    signer_.discard_from(before.next_seq);
    if (auto rolled_back = db_.exec("ROLLBACK"); !rolled_back) {
      applied = rolled_back.error();
    } else {
      applied = apply_batch(work, now, Undo::own_savepoint, outcomes, commands);
      PARDNER_ASSERT(!applied || applied.value());
    }
  }
  if (!applied) storage_failure = applied.error();
  if (!storage_failure) {
    auto stored = store_signatures();
    if (!stored) storage_failure = stored.error();
  }
  if (!storage_failure && tail_.next_seq != before.next_seq) {
    // The checkpoint goes into the same transaction as the entries it covers.
    auto checkpointed = issue_checkpoint(db_, key_, static_cast<std::uint64_t>(tail_.next_seq));
    if (!checkpointed) storage_failure = checkpointed.error();
  }
  std::vector<AccountChange> account_changes;
  if (!storage_failure) {
    auto changed = changed_accounts();
    if (changed) {
      account_changes = std::move(changed.value());
    } else {
      storage_failure = changed.error();
    }
  }
  if (!storage_failure) {
    forbid_kept_snapshots();
    auto committed = db_.exec("COMMIT");
    if (!committed) storage_failure = committed.error();
  }
  if (storage_failure) {
    (void)db_.exec("ROLLBACK");
    tail_ = before;
    signer_.discard_from(before.next_seq);
    // Stopped before anyone hears of the failure: a caller answered storage_failed must find
    // the writer already unhealthy (and /readyz red), never take a write in between.
    fail_stop(*storage_failure);
    for (Work& unit : work) refuse(unit, *storage_failure);
    return;
  }
  // Visible in SQLite since the wal-index barrier turned the publication odd; in memory too
  // now, before any answer.
  touched_accounts_.clear();
  if (!published_accounts_.publish(std::move(account_changes))) {
    std::fprintf(stderr,
                 "pardner: accounts changed without the wal-index barrier; reading them from "
                 "SQLite from now on\n");
    published_accounts_.disable();
  }
  const std::uint64_t commit_micros = micros_since(started);
  {
    std::lock_guard lock(mutex_);
    stats_.batches += 1;
    stats_.commands += commands;
    stats_.entries = static_cast<std::uint64_t>(tail_.next_seq);
    stats_.last_batch_commands = commands;
    stats_.last_commit_micros = commit_micros;
    if (rerun) stats_.batch_reruns += 1;
    stats_.idempotency_keys_in_memory = idempotency_.keys();
    stats_.idempotency_index_bytes = idempotency_.bytes();
    batch_commands_.observe(commands);
    commit_micros_.observe(commit_micros);
  }
  std::optional<Error> clear_failed;
  if (wal_holds_replaced_profiles_) {
    if (auto cleared = clear_wal_of_replaced_profiles(); !cleared) clear_failed = cleared.error();
  }
  // Before any answer: a reader's snapshot from before this commit must not serve a request
  // made after one.
  allow_kept_snapshots();
  // Durable now: only at this point may anyone learn the outcome.
  for (std::size_t i = 0; i < work.size(); ++i) complete(work[i], std::move(outcomes[i]));
  // The batch is durable whatever became of the checkpoint, but the disk is failing.
  if (clear_failed) {
    fail_stop(*clear_failed);
    return;
  }
  // Between two batches, after the answers: the next batch's transaction then finds the WAL
  // wholly copied and starts it over, which a checkpoint running beside the writer never
  // finds on its own.
  if (checkpointer_->wal_needs_restart()) checkpointer_->finish_before_next_write();
  upkeep_between_batches();
}

void Writer::upkeep_between_batches() {
  if (recent_postings_.merging ||
      tail_.next_seq - oldest_recent_posting_ >= postings_merge_entries_) {
    merge_postings_step();
  }
}

void Writer::merge_postings_step() {
  // Likewise: on failure the postings stay where they are. A merge starts with the appending
  // table, which the step's transaction hands over: new postings go to the other one, empty
  // since the last merge ended.
  auto step_started = std::chrono::steady_clock::now();
  const RecentPostings from =
      recent_postings_.merging ? other(recent_postings_.appending) : recent_postings_.appending;
  forbid_kept_snapshots();
  auto remaining = merge_step(db_, from, postings_merge_step_);
  if (!remaining) {
    fail_stop(remaining.error());
    return;
  }
  allow_kept_snapshots();
  if (!recent_postings_.merging) {
    recent_postings_.appending = other(from);
    oldest_recent_posting_ = tail_.next_seq;
  }
  recent_postings_.merging = remaining.value();
  const std::uint64_t step_micros = micros_since(step_started);
  std::lock_guard lock(mutex_);
  stats_.postings_merge_steps += 1;
  if (!remaining.value()) stats_.postings_merges += 1;
  stats_.last_postings_merge_step_micros = step_micros;
  stats_.postings_merge_micros += step_micros;
}

void Writer::forbid_kept_snapshots() {
  if (snapshot_epoch_.load() % 2 == 0) snapshot_epoch_.fetch_add(1);
  // Only now, with the epoch odd: a request whose marks show the new generation then shows an
  // epoch no kept snapshot began under, so it remembers nothing from before this commit.
  if (access_tokens_touched_) {
    access_tokens_touched_ = false;
    access_tokens_generation_.fetch_add(1);
  }
}

void Writer::watch_commits() {
  sqlite3_update_hook(
      db_.handle(),
      [](void* writer, int, const char*, const char* table, sqlite3_int64 rowid) {
        auto* self = static_cast<Writer*>(writer);
        if (std::strcmp(table, "access_tokens") == 0) {
          self->access_tokens_touched_ = true;
        } else if (std::strcmp(table, "accounts") == 0) {
          self->touched_accounts_.push_back(rowid);
        }
      },
      this);
  // Before a commit that changed accounts is visible to any reader (ledger/wal_index_watch.h).
  // Without the watch, nothing is read from memory.
  bool watched = watch_wal_index(
      db_.handle(),
      [](void* writer) {
        auto* self = static_cast<Writer*>(writer);
        if (!self->touched_accounts_.empty()) self->published_accounts_.begin();
      },
      this);
  if (!watched) published_accounts_.disable();
  // Every commit path calls forbid_kept_snapshots before COMMIT; this is for one that does not.
  sqlite3_commit_hook(
      db_.handle(),
      [](void* writer) {
        auto* self = static_cast<Writer*>(writer);
        if (self->access_tokens_touched_) self->forbid_kept_snapshots();
        return 0;  // go on with the commit
      },
      this);
}

Result<Ok> Writer::clear_wal_of_replaced_profiles() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_wal_clear_) return Ok{};
  // The epoch is odd here (between COMMIT and the answers), so no I/O thread keeps a snapshot
  // that would hold the WAL; the ones in flight end with their requests.
  sqlite3_busy_timeout(db_.handle(), wal_clear_wait_ms);
  int rc =
      sqlite3_wal_checkpoint_v2(db_.handle(), "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  std::optional<Error> failed;
  // BUSY: a reader (or the checkpointer's own checkpoint) held it back past the wait.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) failed = db_.error("WAL truncation failed");
  sqlite3_busy_timeout(db_.handle(), busy_timeout_ms);
  if (failed) return *failed;
  const bool cleared = rc == SQLITE_OK;
  if (cleared) {
    wal_holds_replaced_profiles_ = false;
  } else {
    next_wal_clear_ = now + wal_clear_retry;
  }
  std::lock_guard lock(mutex_);
  (cleared ? stats_.wal_clears : stats_.wal_clears_held_back) += 1;
  return Ok{};
}

Result<std::vector<AccountChange>> Writer::changed_accounts() {
  std::sort(touched_accounts_.begin(), touched_accounts_.end());
  touched_accounts_.erase(std::unique(touched_accounts_.begin(), touched_accounts_.end()),
                          touched_accounts_.end());
  std::vector<AccountChange> changes;
  changes.reserve(touched_accounts_.size());
  for (AccountId id : touched_accounts_) {
    auto account = load_account(db_, id);
    if (account) {
      changes.emplace_back(id, std::move(account.value()));
    } else if (account.error().code == Errc::not_found) {
      changes.emplace_back(id, std::nullopt);
    } else {
      return account.error();
    }
  }
  return changes;
}

void Writer::allow_kept_snapshots() {
  // A snapshot kept open holds the WAL's read marks, and the WAL can start over only when no
  // reader holds one: while it waits to, every request takes a snapshot of its own.
  if (checkpointer_->wal_needs_restart()) return forbid_kept_snapshots();
  // Always a new even value, so that no snapshot begun before it passes for current.
  snapshot_epoch_.fetch_add(snapshot_epoch_.load() % 2 == 0 ? 2 : 1);
}

void Writer::fail_stop(const Error& error) {
  std::fprintf(stderr, "pardner: writer stopped after a storage failure: %s\n",
               error.detail.c_str());
  healthy_.store(false);
  published_accounts_.disable();
  std::deque<Work> refused;
  {
    std::lock_guard lock(mutex_);
    refused.swap(queue_);
    queued_commands_ = 0;
  }
  for (Work& unit : refused) refuse(unit, Error{Errc::unavailable, "the writer stopped"});
}

}  // namespace pardner::ledger
