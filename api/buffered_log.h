// Log lines written to a file descriptor in batches: one write(2) for many lines instead of one
// per line. Under load the access log's write was the I/O threads' largest single system call
// after the socket's own (docs/performance.md, "Seventh round"). Lines wait at most
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
