// The thread waits for the writer's hook to say the WAL reached the threshold, then runs one
// PASSIVE checkpoint: it copies what no reader still needs and never waits for a lock, so
// neither the writer nor a reader is ever held up by it. What it could not copy is copied next
// time. SQLite starts the WAL over only in a write transaction that began with every frame
// copied; a busy writer begins its next batch while the checkpoint still runs, so the writer
// asks for that moment itself (finish_before_next_write). While a reader (a backup, say) holds
// an old snapshot nothing past it can be copied: each such wait is then a checkpoint with
// nothing to do, and the WAL grows until the reader is done.
#include "ledger/wal_checkpointer.h"

#include <cstdio>
#include <system_error>
#include <utility>

#include "ledger/thread_name.h"

namespace pardner::ledger {
namespace {

int on_wal_commit(void* checkpointer, sqlite3* /*db*/, const char* /*schema*/, int frames) {
  static_cast<WalCheckpointer*>(checkpointer)->wal_committed(static_cast<std::uint64_t>(frames));
  return SQLITE_OK;  // the commit is done and durable whatever the checkpointer makes of it
}

}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const std::string& db_path,
                                                                std::uint64_t wal_frames_threshold,
                                                                Failure on_failure) {
  auto db = Database::open(db_path, Database::Mode::read_write);
  if (!db) return db.error();
  // This connection commits nothing, so no hook of its own; and it must not checkpoint on
  // close while the writer's connection is still open (SQLite only does that for the last).
  std::unique_ptr<WalCheckpointer> checkpointer(new WalCheckpointer(
      std::move(db.value()), wal_frames_threshold == 0 ? 1 : wal_frames_threshold,
      std::move(on_failure)));
  try {
    checkpointer->thread_ = std::thread([c = checkpointer.get()] { c->run(); });
    name_thread(checkpointer->thread_, "pardner-walckpt");
  } catch (const std::system_error& e) {
    return Error{Errc::storage_failed,
                 std::string("cannot start the checkpoint thread: ") + e.what()};
  }
  return checkpointer;
}

WalCheckpointer::WalCheckpointer(Database db, std::uint64_t wal_frames_threshold,
                                 Failure on_failure)
    : db_(std::move(db)), threshold_(wal_frames_threshold), on_failure_(std::move(on_failure)) {}

WalCheckpointer::~WalCheckpointer() { stop(); }

void WalCheckpointer::attach(Database& writer) {
  // Replaces SQLite's automatic checkpoint, which is itself a WAL hook.
  sqlite3_wal_hook(writer.handle(), on_wal_commit, this);
}

void WalCheckpointer::detach(Database& writer) {
  sqlite3_wal_hook(writer.handle(), nullptr, nullptr);
}

void WalCheckpointer::wal_committed(std::uint64_t frames) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    stats_.wal_frames = frames;
    if (frames >= threshold_ && !requested_ && !failed_) {
      requested_ = true;
      wake = true;
    }
  }
  if (wake) wake_.notify_one();
}

bool WalCheckpointer::wal_needs_restart() const {
  std::lock_guard lock(mutex_);
  return stats_.wal_frames >= 4 * threshold_ && !failed_;
}

void WalCheckpointer::finish_before_next_write() {
  std::unique_lock lock(mutex_);
  std::uint64_t request = ++requests_;
  requested_ = true;
  wake_.notify_one();
  finished_.wait(lock, [&] { return served_ >= request || failed_ || stopping_; });
}

void WalCheckpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

CheckpointStats WalCheckpointer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void WalCheckpointer::run() {
  std::uint64_t serving = 0;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return requested_ || stopping_; });
      if (stopping_) break;
      requested_ = false;
      serving = requests_;
    }
    int wal_frames = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(db_.handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                       &copied);
    // BUSY: another connection was checkpointing (a backup's, or the writer's close); the
    // frames left are copied next time.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      Error error = db_.error("WAL checkpoint failed");
      std::fprintf(stderr, "pardner: %s\n", error.detail.c_str());
      {
        std::lock_guard lock(mutex_);
        failed_ = true;
      }
      finished_.notify_all();
      on_failure_(error);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      stats_.checkpoints += 1;
      stats_.frames_left =
          wal_frames > copied ? static_cast<std::uint64_t>(wal_frames - copied) : 0;
      served_ = serving;
    }
    finished_.notify_all();
  }
  finished_.notify_all();  // stopping: nobody waits for a checkpoint that will not run
}

}  // namespace pardner::ledger
