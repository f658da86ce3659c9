// Copies committed pages from the write-ahead log back into the database file on a thread and
// connection of its own, so the writer's commits never wait for it. SQLite's automatic
// checkpoint runs inside the COMMIT that crosses its threshold, on the committing thread: it
// reads every new frame back, writes it into the database file and fsyncs that file before the
// commit returns, and on a large ledger (whose batches dirty pages all over its indexes) that
// was most of the writer's time. Never decides durability: a commit is durable once its WAL
// frames are synced, before any checkpoint; a failed checkpoint loses nothing (the frames stay
// in the WAL) but means the disk is failing, so it is reported and the writer stops.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

// Counts since the checkpointer started, for operators (GET /metrics).
struct CheckpointStats {
  std::uint64_t checkpoints = 0;  // passive checkpoints run
  std::uint64_t wal_frames = 0;   // frames in the WAL after the writer's last commit
  // Of those, frames the last checkpoint could not copy yet (a reader still needed them).
  std::uint64_t frames_left = 0;
};

class WalCheckpointer {
 public:
  // Called once, on the checkpointer's thread, when a checkpoint fails with anything but a
  // busy lock. The checkpointer then stops checkpointing; the connection's close still tries.
  using Failure = std::function<void(const Error&)>;

  // Opens its own connection to the ledger at `db_path` and starts the thread. A checkpoint
  // runs whenever the WAL has reached `wal_frames_threshold` frames after a commit.
  static Result<std::unique_ptr<WalCheckpointer>> start(const std::string& db_path,
                                                        std::uint64_t wal_frames_threshold,
                                                        Failure on_failure);
  ~WalCheckpointer();  // stop()
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Installs this checkpointer as `writer`'s WAL hook in place of SQLite's automatic checkpoint:
  // after each of its commits it tells the checkpointer how many frames the WAL holds. The
  // checkpointer must outlive the writer's connection or be uninstalled (detach) first.
  void attach(Database& writer);
  static void detach(Database& writer);

  // The WAL holds `frames` frames after a commit; wakes the thread from the threshold on.
  // Cheap and never blocks on a checkpoint: called on the writer thread.
  void wal_committed(std::uint64_t frames);
  // True when the WAL has grown to four times the threshold: the checkpoints ran while the
  // writer kept writing, so the WAL was never found wholly copied at the start of a write and
  // never started over. The writer then calls finish_before_next_write.
  bool wal_needs_restart() const;
  // Runs a checkpoint that starts after this call and waits for it (or for a failure or
  // stop). Called by the writer between two batches: with every frame then copied, its next
  // transaction starts the WAL from the beginning again (unless a reader still uses it).
  void finish_before_next_write();
  // Finishes a checkpoint in progress, then stops the thread and closes the connection.
  // Idempotent.
  void stop();

  CheckpointStats stats() const;

 private:
  WalCheckpointer(Database db, std::uint64_t wal_frames_threshold, Failure on_failure);
  void run();

  Database db_;
  const std::uint64_t threshold_;
  const Failure on_failure_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  std::uint64_t requests_ = 0;  // finish_before_next_write's requests, numbered from 1
  std::uint64_t served_ = 0;    // the last of them a finished checkpoint started after
  std::condition_variable finished_;
  bool stopping_ = false;
  bool failed_ = false;
  CheckpointStats stats_;
  std::thread thread_;
};

}  // namespace pardner::ledger
