// The callers' side of the writer: queueing commands and atomic groups (all of a call's work
// or none of it), refusing at once what cannot be queued, and waking or stopping the thread.
// Never touches the database: only the writer thread does.
#include <string>

#include "crypto/invariant.h"
#include "ledger/limits.h"
#include "ledger/writer.h"

namespace pardner::ledger {

std::size_t Writer::command_count(const Work& work) {
  if (const Group* group = std::get_if<Group>(&work)) return group->commands.size();
  return 1;
}

void Writer::refuse(Work& work, const Error& error) {
  if (Item* item = std::get_if<Item>(&work)) {
    if (item->done) item->done(error);
    return;
  }
  Group& group = std::get<Group>(work);
  group.done(std::vector<Result<Applied>>(group.commands.size(), Result<Applied>(error)));
}

void Writer::complete(Work& work, Outcome outcome) {
  if (Item* item = std::get_if<Item>(&work)) {
    if (item->done) item->done(std::move(std::get<Result<Applied>>(outcome)));
    return;
  }
  std::get<Group>(work).done(std::move(std::get<std::vector<Result<Applied>>>(outcome)));
}

bool Writer::enqueue(std::vector<Work>& work) {
  std::size_t count = 0;
  for (const Work& unit : work) count += command_count(unit);
  std::lock_guard lock(mutex_);
  if (stopping_ || !healthy_.load() || queued_commands_ + count > writer_queue_commands_max) {
    return false;
  }
  for (Work& unit : work) queue_.push_back(std::move(unit));
  queued_commands_ += count;
  wake_.notify_one();
  return true;
}

Error Writer::unavailable_error() const {
  return Error{Errc::unavailable, healthy_.load() ? "the writer is busy or stopping; retry later"
                                                  : "the writer stopped after a storage failure"};
}

void Writer::submit(Command command, Completion done) {
  std::vector<Work> work;
  work.emplace_back(Item{std::move(command), std::move(done)});
  if (!enqueue(work)) refuse(work.front(), unavailable_error());
}

std::future<Result<Applied>> Writer::submit(Command command) {
  auto promise = std::make_shared<std::promise<Result<Applied>>>();
  auto future = promise->get_future();
  submit(std::move(command),
         [promise](Result<Applied> outcome) { promise->set_value(std::move(outcome)); });
  return future;
}

std::vector<std::future<Result<Applied>>> Writer::submit_all(std::vector<Command> commands) {
  std::vector<std::future<Result<Applied>>> futures;
  std::vector<Work> work;
  futures.reserve(commands.size());
  work.reserve(commands.size());
  for (Command& command : commands) {
    auto promise = std::make_shared<std::promise<Result<Applied>>>();
    futures.push_back(promise->get_future());
    work.emplace_back(Item{std::move(command), [promise](Result<Applied> outcome) {
                             promise->set_value(std::move(outcome));
                           }});
  }
  if (!enqueue(work)) {
    for (Work& unit : work) refuse(unit, unavailable_error());
  }
  return futures;
}

void Writer::submit_each(std::vector<Command> commands, GroupCompletion done) {
  PARDNER_ASSERT(done != nullptr);
  // The commands may complete in different batches; the last one to complete answers for all.
  struct Gathered {
    std::vector<std::optional<Result<Applied>>> results;
    std::atomic<std::size_t> left;
    GroupCompletion done;
  };
  auto gathered = std::make_shared<Gathered>();
  gathered->results.resize(commands.size());
  gathered->left = commands.size();
  gathered->done = std::move(done);
  if (commands.empty()) return gathered->done({});
  std::vector<Work> work;
  work.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    work.emplace_back(Item{std::move(commands[i]), [gathered, i](Result<Applied> outcome) {
                             gathered->results[i] = std::move(outcome);
                             if (gathered->left.fetch_sub(1, std::memory_order_acq_rel) != 1) {
                               return;
                             }
                             std::vector<Result<Applied>> results;
                             results.reserve(gathered->results.size());
                             for (auto& result : gathered->results) {
                               results.push_back(std::move(*result));
                             }
                             gathered->done(std::move(results));
                           }});
  }
  if (!enqueue(work)) {
    for (Work& unit : work) refuse(unit, unavailable_error());
  }
}

void Writer::submit_atomic(std::vector<Command> commands, GroupCompletion done) {
  PARDNER_ASSERT(done != nullptr);
  if (commands.size() > atomic_group_commands_max) {
    Error error{
        Errc::invalid_argument,
        "an atomic group holds at most " + std::to_string(atomic_group_commands_max) + " commands"};
    return done(std::vector<Result<Applied>>(commands.size(), Result<Applied>(error)));
  }
  std::vector<Work> work;
  work.emplace_back(Group{std::move(commands), std::move(done)});
  if (!enqueue(work)) refuse(work.front(), unavailable_error());
}

std::future<std::vector<Result<Applied>>> Writer::submit_atomic(std::vector<Command> commands) {
  auto promise = std::make_shared<std::promise<std::vector<Result<Applied>>>>();
  auto future = promise->get_future();
  submit_atomic(std::move(commands), [promise](std::vector<Result<Applied>> results) {
    promise->set_value(std::move(results));
  });
  return future;
}

// As date_of(now()) inside the batch: as_of stays empty so the command takes the writer's own
// date when it runs, never a date read on another thread a moment before.
std::future<Result<Applied>> Writer::charge_late_fees_today() { return submit(ChargeLateFees{}); }

void Writer::charge_late_fees_today(Completion done) { submit(ChargeLateFees{}, std::move(done)); }

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
  if (checkpointer_) {
    // The last checkpoint is the writer connection's own, when it closes.
    WalCheckpointer::detach(db_);
    checkpointer_->stop();
  }
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mutex_);
  WriterStats out = stats_;
  out.queue_commands = queued_commands_;
  if (checkpointer_) out.checkpoints = checkpointer_->stats();
  out.batch_commands = batch_commands_.snapshot();
  out.commit_micros = commit_micros_.snapshot();
  out.published_accounts = published_accounts_.size();
  out.accounts_published = !published_accounts_.disabled();
  return out;
}

}  // namespace pardner::ledger
