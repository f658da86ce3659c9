// The writer thread. Per batch: BEGIN IMMEDIATE; per command SAVEPOINT, settle the idempotency
// key, apply, RELEASE or ROLLBACK TO; sign a checkpoint for the new size; COMMIT once (one
// fsync for the batch); then complete.
#include "ledger/writer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "ledger/idempotency.h"
#include "ledger/limits.h"
#include "ledger/operations.h"
#include "ledger/signed_log.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

// How long the writer sleeps with nothing queued before it looks for expired pending
// transactions again.
constexpr auto expiry_poll_interval = std::chrono::milliseconds(1000);

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

Result<std::unique_ptr<Writer>> Writer::start(const std::string& db_path, const Clock& clock,
                                               crypto::NamedSigningKey key) {
  auto db = Database::open(db_path, Database::Mode::read_write);
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
  auto caught_up = catch_up_signed_log(db.value(), key,
                                       static_cast<std::uint64_t>(tail.value().next_seq));
  if (!caught_up) {
    (void)db.value().exec("ROLLBACK");
    return caught_up.error();
  }
  if (auto committed = db.value().exec("COMMIT"); !committed) return committed.error();
  std::unique_ptr<Writer> writer(new Writer(std::move(db.value()), std::move(settings.value()),
                                            std::move(key), tail.value(), clock));
  writer->thread_ = std::thread([w = writer.get()] { w->run(); });
  return writer;
}

Writer::Writer(Database db, Settings settings, crypto::NamedSigningKey key, LogTail tail,
               const Clock& clock)
    : db_(std::move(db)),
      settings_(std::move(settings)),
      key_(std::move(key)),
      tail_(tail),
      clock_(clock) {
  stats_.entries = static_cast<std::uint64_t>(tail.next_seq);
}

Writer::~Writer() { stop(); }

void Writer::submit(Command command, Completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && healthy_.load() && queue_.size() < writer_queue_commands_max) {
      queue_.push_back(Item{std::move(command), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Error{Errc::unavailable, healthy_.load() ? "the writer is busy or stopping; retry later"
                                                : "the writer stopped after a storage failure"});
}

std::future<Result<Applied>> Writer::submit(Command command) {
  auto promise = std::make_shared<std::promise<Result<Applied>>>();
  auto future = promise->get_future();
  submit(std::move(command), [promise](Result<Applied> outcome) {
    promise->set_value(std::move(outcome));
  });
  return future;
}

std::vector<std::future<Result<Applied>>> Writer::submit_all(std::vector<Command> commands) {
  std::vector<std::future<Result<Applied>>> futures;
  std::vector<Item> items;
  futures.reserve(commands.size());
  items.reserve(commands.size());
  for (Command& command : commands) {
    auto promise = std::make_shared<std::promise<Result<Applied>>>();
    futures.push_back(promise->get_future());
    items.push_back(Item{std::move(command), [promise](Result<Applied> outcome) {
                           promise->set_value(std::move(outcome));
                         }});
  }
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && healthy_.load() &&
        queue_.size() + items.size() <= writer_queue_commands_max) {
      for (Item& item : items) queue_.push_back(std::move(item));
      wake_.notify_one();
      return futures;
    }
  }
  for (Item& item : items) item.done(Error{Errc::unavailable, "the writer queue is full"});
  return futures;
}

void Writer::wake() {
  std::lock_guard lock(mutex_);
  expiry_check_requested_ = true;
  wake_.notify_one();
}

void Writer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mutex_);
  WriterStats out = stats_;
  out.queue_commands = queue_.size();
  out.batch_commands = batch_commands_.snapshot();
  out.commit_micros = commit_micros_.snapshot();
  return out;
}

std::vector<Writer::Item> Writer::take_batch() {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, expiry_poll_interval,
                 [&] { return !queue_.empty() || stopping_ || expiry_check_requested_; });
  expiry_check_requested_ = false;
  std::vector<Item> items;
  std::size_t count = std::min(queue_.size(), batch_commands_max);
  items.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    items.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return items;
}

void Writer::run() {
  while (true) {
    std::vector<Item> items = take_batch();
    if (!healthy_.load()) {
      for (Item& item : items) {
        if (item.done) item.done(Error{Errc::unavailable, "the writer stopped"});
      }
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
        for (Item& item : items) expiries.value().push_back(std::move(item));
        items = std::move(expiries.value());
      }
      if (!items.empty()) run_batch(std::move(items));
    }
    std::lock_guard lock(mutex_);
    if (stopping_ && queue_.empty()) break;
  }
}

Result<std::vector<Writer::Item>> Writer::due_expiries(Timestamp now) {
  Statement& query = db_.cached(
      "SELECT id FROM transactions WHERE status = 'pending' AND timeout_us IS NOT NULL"
      " AND timeout_us <= ? ORDER BY timeout_us, id LIMIT ?");
  query.bind(1, now).bind(2, static_cast<std::int64_t>(expiries_per_batch_max));
  std::vector<Item> items;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    items.push_back(Item{ExpirePending{query.column_int(0)}, {}});
  }
  query.reset();
  return items;
}

Result<Applied> Writer::run_command(WriteTxn& txn, const Command& command) {
  const std::string& key = idempotency_key_of(command);
  if (!key.empty() || requires_idempotency_key(command)) {
    if (auto ok = check_idempotency_key(key); !ok) return ok.error();  // not remembered
  }
  RequestHash request{};
  if (!key.empty()) {
    request = request_hash_of(command);
    auto settled = settle_idempotency_key(db_, key, request);
    if (!settled) return settled.error();
    if (settled.value()) return std::move(*settled.value());
  }

  LogTail before = tail_;
  if (auto done = db_.cached("SAVEPOINT command").run(); !done) return done.error();
  auto outcome = std::visit([&](const auto& c) { return apply(txn, c); }, command);
  if (outcome) {
    if (auto done = db_.cached("RELEASE command").run(); !done) return done.error();
  } else {
    if (auto done = db_.cached("ROLLBACK TO command").run(); !done) return done.error();
    if (auto done = db_.cached("RELEASE command").run(); !done) return done.error();
    tail_ = before;
    if (outcome.error().code == Errc::storage_failed) return outcome;
  }
  if (!key.empty()) {
    if (auto done = remember_outcome(db_, key, request, outcome); !done) return done.error();
  }
  return outcome;
}

void Writer::run_batch(std::vector<Item> items) {
  auto started = std::chrono::steady_clock::now();
  LogTail before = tail_;
  if (auto done = db_.exec("BEGIN IMMEDIATE"); !done) {
    for (Item& item : items) {
      if (item.done) item.done(done.error());
    }
    return fail_stop(done.error());
  }
  Timestamp now = std::max(clock_.now(), tail_.last_ts);
  WriteTxn txn(db_, settings_, key_, tail_, now);
  std::vector<Result<Applied>> outcomes;
  outcomes.reserve(items.size());
  std::optional<Error> storage_failure;
  for (const Item& item : items) {
    auto outcome = run_command(txn, item.command);
    if (!outcome && outcome.error().code == Errc::storage_failed) {
      storage_failure = outcome.error();
      break;
    }
    outcomes.push_back(std::move(outcome));
  }
  if (!storage_failure && tail_.next_seq != before.next_seq) {
    // The checkpoint goes into the same transaction as the entries it covers.
    auto checkpointed = issue_checkpoint(db_, key_, static_cast<std::uint64_t>(tail_.next_seq));
    if (!checkpointed) storage_failure = checkpointed.error();
  }
  if (!storage_failure) {
    auto committed = db_.exec("COMMIT");
    if (!committed) storage_failure = committed.error();
  }
  if (storage_failure) {
    (void)db_.exec("ROLLBACK");
    tail_ = before;
    for (Item& item : items) {
      if (item.done) item.done(*storage_failure);
    }
    return fail_stop(*storage_failure);
  }
  auto commit_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  {
    std::lock_guard lock(mutex_);
    stats_.batches += 1;
    stats_.commands += items.size();
    stats_.entries = static_cast<std::uint64_t>(tail_.next_seq);
    stats_.last_batch_commands = items.size();
    stats_.last_commit_micros = static_cast<std::uint64_t>(commit_micros);
    batch_commands_.observe(items.size());
    commit_micros_.observe(static_cast<std::uint64_t>(commit_micros));
  }
  // Durable now: only at this point may anyone learn the outcome.
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].done) items[i].done(std::move(outcomes[i]));
  }
}

void Writer::fail_stop(const Error& error) {
  std::fprintf(stderr, "pardner: writer stopped after a storage failure: %s\n",
               error.detail.c_str());
  healthy_.store(false);
  std::deque<Item> refused;
  {
    std::lock_guard lock(mutex_);
    refused.swap(queue_);
  }
  for (Item& item : refused) {
    if (item.done) item.done(Error{Errc::unavailable, "the writer stopped"});
  }
}

}  // namespace pardner::ledger
