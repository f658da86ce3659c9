// Log lines written to a file descriptor in batches: one write(2) for many lines instead of one
// per line. Under load the access log's write was a tenth of a read's system calls
// (docs/performance.md, "HTTPS, second round"). Lines wait at most
// `flush_interval` (or until `flush_bytes` have gathered), so a process killed with SIGKILL
// loses at most that much of its access log; a stopping server flushes everything.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace pardner::api {

// How many bytes of `lines` (whole lines, each ending in '\n') the next write(2) takes: as many
// whole lines as fit in `piece_max`, or one longer line whole. On a pipe a write of at most
// PIPE_BUF bytes is atomic, so with piece_max = PIPE_BUF no other writer to the same pipe (an
// error message on stderr) lands inside a line.
std::size_t next_log_piece(std::string_view lines, std::size_t piece_max);

class BufferedLog {
 public:
  BufferedLog(int fd, std::chrono::milliseconds flush_interval, std::size_t flush_bytes);
  ~BufferedLog();  // stops the flushing thread and writes what is left
  BufferedLog(const BufferedLog&) = delete;
  BufferedLog& operator=(const BufferedLog&) = delete;

  // Appends `line` and a newline. Thread-safe; writes the batch itself once it reaches
  // flush_bytes, so a stalled flushing thread cannot make the buffer grow without bound.
  void write(std::string_view line);
  // Writes every line appended so far, in the order appended. Thread-safe.
  void flush();

 private:
  void flush_every_interval();

  const int fd_;
  const std::chrono::milliseconds flush_interval_;
  const std::size_t flush_bytes_;

  std::mutex lines_mutex_;  // guards lines_ and stopping_
  std::string lines_;
  bool stopping_ = false;
  std::condition_variable stop_;

  // Held across a whole flush, taken before lines_mutex_: batches leave in the order taken.
  std::mutex flush_mutex_;
  std::string batch_;  // the batch being written; keeps its capacity between flushes

  std::thread flusher_;
};

}  // namespace pardner::api
