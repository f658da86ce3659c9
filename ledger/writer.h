// The single writer: one thread owns the write connection. Commands queue to it; it applies up
// to a batch of them in one SQLite transaction (a refused command leaves nothing behind, so one
// refusal spoils nothing else), has signer threads sign the entries meanwhile, commits once, and
// only then completes each command. An answered write is durable.
// An atomic group of commands is one unit of the queue, never split across batches: all of it is
// applied or none. After any storage failure it stops taking writes: retrying a commit whose
// durability is unknown is how ledgers lose money.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "crypto/key_file.h"
#include "ledger/commands.h"
#include "ledger/entry_signer.h"
#include "ledger/error.h"
#include "ledger/histogram.h"
#include "ledger/idempotency.h"
#include "ledger/limits.h"
#include "ledger/postings_merge.h"
#include "ledger/published_accounts.h"
#include "ledger/settings.h"
#include "ledger/snapshot_marks.h"
#include "ledger/sqlite.h"
#include "ledger/time.h"
#include "ledger/wal_checkpointer.h"
#include "ledger/write_txn.h"

namespace pardner::ledger {

// Commands per batch, in powers of two up to batch_commands_max (a batch may pass it by the
// expiries the writer adds itself; those land in +Inf).
inline constexpr std::uint64_t batch_commands_bounds[] = {1,  2,   4,   8,   16,  32,
                                                          64, 128, 256, 512, 1024};
static_assert(batch_commands_bounds[std::size(batch_commands_bounds) - 1] == batch_commands_max);
static_assert(std::size(batch_commands_bounds) <= histogram_bounds_max);

// Counts since the writer started, for operators (GET /metrics). Committed batches only: a
// batch that fails stops the writer instead.
struct WriterStats {
  std::uint64_t batches = 0;
  std::uint64_t commands = 0;
  std::uint64_t entries = 0;  // the log size after the last commit
  std::uint64_t last_batch_commands = 0;
  std::uint64_t last_commit_micros = 0;
  std::uint64_t queue_commands = 0;  // waiting when stats() was called
  // Batches run a second time, with a savepoint per command, because a command was refused
  // after it had written (Writer::Undo::batch_rerun); counted when they commit.
  std::uint64_t batch_reruns = 0;
  CheckpointStats checkpoints;  // the WAL and its checkpoints (WalCheckpointer)
  // Every idempotency key's hash and id, held in memory (IdempotencyIndex), and the bytes they
  // take.
  std::uint64_t idempotency_keys_in_memory = 0;
  std::uint64_t idempotency_index_bytes = 0;
  // Merges of a recent postings table into the table clustered by account, finished, and
  // their steps (merge_step): the writer takes no batch during a step.
  std::uint64_t postings_merges = 0;
  std::uint64_t postings_merge_steps = 0;
  std::uint64_t last_postings_merge_step_micros = 0;
  std::uint64_t postings_merge_micros = 0;  // all steps' time together
  // TRUNCATE checkpoints after a profile was corrected or erased (clear_wal_of_replaced_profiles),
  // and attempts that readers held back (tried again later).
  std::uint64_t wal_clears = 0;
  std::uint64_t wal_clears_held_back = 0;
  // Accounts the writer holds in memory for reads (PublishedAccounts), and whether it still
  // publishes them (false after a storage failure or a commit that bypassed the barrier).
  std::uint64_t published_accounts = 0;
  bool accounts_published = false;
  HistogramSnapshot batch_commands;  // commands per batch; count == batches, sum == commands
  HistogramSnapshot commit_micros;   // BEGIN to durable COMMIT, per batch
};

struct WriterOptions {
  // Threads that sign entries while the writer applies the batch (0: the writer signs them
  // itself before the commit). At most signer_threads_max. The default leaves one core to the
  // writer: one fewer than the hardware has.
  std::size_t signer_threads = default_signer_threads();
  static std::size_t default_signer_threads();
  // WAL frames (pages) after a commit from which the checkpointer thread copies them into the
  // database file; SQLite's own automatic checkpoint, on the writer thread, is off. 4,096
  // frames is 16 MiB: a page dirtied by several batches is copied once, and the WAL starts
  // over by four times that (docs/performance.md, "Checkpoints beside the writer").
  std::uint64_t checkpoint_wal_frames = 4096;
  // Entries the recent postings span before the writer merges them into the table clustered by
  // account, between batches (schema/0011_postings_recent.sql). With 10,000 accounts and
  // 1,000,000 transfers stored, a run of 65,536 entries dirties each leaf of that table about
  // once, where 65 batches of 1,000 dirtied about 1,000 leaves each (docs/performance.md,
  // "Sixth round").
  std::int64_t postings_merge_entries = postings_merge_entries_default;
  // Postings one step of a merge moves at most; one step per gap between batches
  // (schema/0013_postings_merged_in_steps.sql).
  std::int64_t postings_merge_step = postings_merge_step_default;
};

class Writer {
 public:
  // Runs on the writer thread after the batch's commit (or its failure). Must be quick and must
  // not block: post the result elsewhere.
  using Completion = std::function<void(Result<Applied>)>;
  // As Completion, once for a whole group of commands: one result per command, in order.
  using GroupCompletion = std::function<void(std::vector<Result<Applied>>)>;

  // Opens the write connection to an existing, migrated ledger, signs and hashes any entries
  // that lack it, makes sure the current size has a checkpoint, and starts the thread. `key`
  // must be named for the ledger's log origin. `clock` must outlive the writer. More than
  // signer_threads_max signer threads are refused with invalid_argument.
  static Result<std::unique_ptr<Writer>> start(const std::string& db_path, const Clock& clock,
                                               crypto::NamedSigningKey key,
                                               WriterOptions options = {});
  ~Writer();  // stop()
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues `command`. Refused at once with `unavailable` (completion called on this thread)
  // when the queue is full, the writer is stopping, or it has stopped after a storage failure.
  void submit(Command command, Completion done);
  std::future<Result<Applied>> submit(Command command);
  Result<Applied> submit_and_wait(Command command) { return submit(std::move(command)).get(); }
  // Queues all of `commands` at once, in order, so they share batches; each still gets its own
  // result. Refuses every one with `unavailable` if they do not all fit in the queue.
  std::vector<std::future<Result<Applied>>> submit_all(std::vector<Command> commands);
  // As submit_all, with one completion once the last of them is durable (or refused).
  void submit_each(std::vector<Command> commands, GroupCompletion done);

  // Queues `commands` as one atomic group: applied in order inside one savepoint of one batch,
  // all of them or none. On the first refusal the whole group is rolled back (its entries, the
  // derived state and the idempotency records its commands wrote) and the commands after it are
  // not tried; that command's result is its refusal, every other's `batch_rolled_back`. A
  // command whose key was used before answers its first outcome, as submit does (a remembered
  // refusal refuses the group). More than atomic_group_commands_max commands are refused whole
  // with invalid_argument; a full queue or a stopped writer refuses the group whole with
  // unavailable. A storage failure inside it fails its batch and stops the writer, as always.
  void submit_atomic(std::vector<Command> commands, GroupCompletion done);
  std::future<std::vector<Result<Applied>>> submit_atomic(std::vector<Command> commands);

  // Charges every late fee due today by the writer's clock: submits ChargeLateFees with no
  // key, actor 0 (the writer's own run) and as_of left to the writer, which takes the date from
  // its Clock when it applies the command. The server calls it periodically; running it twice
  // in a day charges nothing the second time. Applied::id is the number of instalments charged;
  // when it is late_fee_charges_per_command_max, more may be due and the caller runs it again.
  std::future<Result<Applied>> charge_late_fees_today();
  void charge_late_fees_today(Completion done);

  // Makes the writer look for expired pending transactions now (tests move a manual clock).
  void wake();
  // Finishes every queued command, then stops the thread. Idempotent.
  void stop();

  bool healthy() const { return healthy_.load(); }
  WriterStats stats() const;
  // Whether a reader may keep one read snapshot from a request to the next (Reader::enter_request).
  // Odd while the writer commits, and while the WAL waits to start over (a snapshot kept open
  // would stop that); even otherwise, with a new value after every commit, set before anyone is
  // answered. So a snapshot begun under an even value that is still current has missed no write
  // anyone has heard of.
  std::uint64_t snapshot_epoch() const { return snapshot_epoch_.load(); }
  // Moves with every commit that changed a row of access_tokens, after snapshot_epoch has gone
  // odd and before the COMMIT (Reader::access_token relies on that order). The rows are found
  // by SQLite's update hook on the writer's connection, so no way of creating, revoking or
  // altering a token, now or later, can forget to move it.
  std::uint64_t access_tokens_generation() const { return access_tokens_generation_.load(); }
  // Both, the generation read first (see SnapshotMarks).
  SnapshotMarks snapshot_marks() const {
    SnapshotMarks marks;
    marks.access_tokens = access_tokens_generation_.load();
    marks.epoch = snapshot_epoch_.load();
    marks.accounts_publication = published_accounts_.publication();
    return marks;
  }
  // Every account as of the latest commit, published before anyone hears of the commit
  // (ledger/published_accounts.h).
  const PublishedAccounts& published_accounts() const { return published_accounts_; }
  // The clock that dates entries: readers take "today" from it, so a report's default date is
  // the day the engine would give a command now.
  const Clock& clock() const { return clock_; }

 private:
  struct Item {
    Command command;
    Completion done;  // empty for the writer's own commands
  };
  struct Group {
    std::vector<Command> commands;
    GroupCompletion done;
  };
  // One unit of the queue and of a batch: a command, or an atomic group taken whole.
  using Work = std::variant<Item, Group>;
  // A unit's outcome, shaped like it.
  using Outcome = std::variant<Result<Applied>, std::vector<Result<Applied>>>;

  static std::size_t command_count(const Work& work);
  // Answers every command of `work` with `error` (nothing of it was applied).
  static void refuse(Work& work, const Error& error);
  static void complete(Work& work, Outcome outcome);

  // Where a command's writes are undone if it is refused.
  enum class Undo : std::uint8_t {
    // By a savepoint of its own: the careful way, and the old one.
    own_savepoint,
    // Not at all: refusals are expected to come before a command writes (commands check, then
    // write). One that wrote anyway sets refused_after_writing_, and the batch is run again
    // from the start with own_savepoint for every command.
    batch_rerun,
    // By the atomic group's savepoint, which undoes the whole group on any refusal.
    group_savepoint,
  };

  Writer(Database db, Settings settings, crypto::NamedSigningKey key, LogTail tail,
         const Clock& clock, IdempotencyIndex idempotency, const WriterOptions& options);
  // Queues all of `work` in order, or none of it (false) when it does not fit in the queue or
  // the writer is stopping or stopped; on false `work` is untouched.
  bool enqueue(std::vector<Work>& work);
  Error unavailable_error() const;
  void run();
  std::vector<Work> take_batch();
  Result<std::vector<Work>> due_expiries(Timestamp now);
  void run_batch(std::vector<Work> work);
  // BEGIN IMMEDIATE and every unit of `work`, their outcomes into `outcomes`. false when
  // `undo` is batch_rerun and a command was refused after writing: the caller rolls back and
  // runs it again with own_savepoint. Err when storage failed.
  Result<bool> apply_batch(const std::vector<Work>& work, Timestamp now, Undo undo,
                           std::vector<Outcome>& outcomes, std::size_t& commands);
  Result<Applied> run_command(WriteTxn& txn, const Command& command, Undo undo);
  // Err only when storage failed (the batch then fails whole).
  Result<std::vector<Result<Applied>>> run_group(WriteTxn& txn,
                                                 const std::vector<Command>& commands);
  // The batch's signatures, stored in seq order before its checkpoint.
  Result<Ok> store_signatures();
  // After a batch's answers: a step of the postings merge, when one is due. It stops the
  // writer (fail_stop) if its disk write fails.
  void upkeep_between_batches();
  void merge_postings_step();
  void fail_stop(const Error& error);
  // snapshot_epoch_ to odd (readers keep no snapshot; and, once it is odd,
  // access_tokens_generation_ moves if the transaction changed a token), or to the next even
  // value when the WAL does not wait to start over.
  void forbid_kept_snapshots();
  void allow_kept_snapshots();
  // Hooks db_ so that a commit changing access_tokens moves access_tokens_generation_, and one
  // changing accounts turns published_accounts_ odd before it is visible, whichever code path
  // it comes from.
  void watch_commits();
  // The accounts changed since the last publication, as this transaction has them.
  Result<std::vector<AccountChange>> changed_accounts();
  // A corrected or erased member profile's old details stay in the WAL's earlier frames until
  // they are overwritten. Copies the WAL into the database file and truncates it (SQLite's
  // TRUNCATE checkpoint) once a commit replaced a profile, before anyone is answered. Readers
  // hold it back for at most wal_clear_wait_ms; then it is tried again after a later batch,
  // at most once per wal_clear_retry. An error only when the disk failed (the WAL is intact).
  Result<Ok> clear_wal_of_replaced_profiles();

  Database db_;
  const Settings settings_;
  const crypto::NamedSigningKey key_;
  LogTail tail_;
  const Clock& clock_;
  EntrySigner signer_;  // after key_, which its threads use
  // Hooked into db_ while the thread runs; stopped before db_ closes (stop()).
  std::unique_ptr<WalCheckpointer> checkpointer_;
  bool refused_after_writing_ = false;  // see Undo::batch_rerun
  IdempotencyIndex idempotency_;
  const std::int64_t postings_merge_entries_;
  const std::int64_t postings_merge_step_;
  RecentPostingsState recent_postings_;  // which table takes new postings; a merge under way
  Seq oldest_recent_posting_ = 0;  // the seq of the appending table's oldest posting, or next_seq

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Work> queue_;
  std::size_t queued_commands_ = 0;  // over queue_; groups count every command they hold
  bool stopping_ = false;
  bool expiry_check_requested_ = true;
  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> snapshot_epoch_{0};  // written by the writer's thread alone
  std::atomic<std::uint64_t> access_tokens_generation_{0};  // likewise
  bool access_tokens_touched_ = false;  // by the open transaction (or one rolled back)
  PublishedAccounts published_accounts_;
  // Ids of the accounts rows changed since the last publication (SQLite's update hook).
  std::vector<AccountId> touched_accounts_;
  // A committed SetMemberProfile replaced a profile, and the WAL may still hold the old one.
  bool wal_holds_replaced_profiles_ = false;
  std::chrono::steady_clock::time_point next_wal_clear_{};
  WriterStats stats_;
  // Observed under mutex_ with stats_, so one stats() call sees the two agree.
  Histogram batch_commands_{batch_commands_bounds};
  Histogram commit_micros_{latency_bounds_micros};
  std::thread thread_;
};

}  // namespace pardner::ledger
