#include "api/buffered_log.h"

#include <limits.h>

#include "crypto/secure_file.h"
#include "ledger/thread_name.h"

namespace pardner::api {

BufferedLog::BufferedLog(int fd, std::chrono::milliseconds flush_interval, std::size_t flush_bytes)
    : fd_(fd), flush_interval_(flush_interval), flush_bytes_(flush_bytes) {
  lines_.reserve(flush_bytes_ + 4096);
  batch_.reserve(flush_bytes_ + 4096);
  flusher_ = std::thread([this] { flush_every_interval(); });
  ledger::name_thread(flusher_, "pardner-log");
}

BufferedLog::~BufferedLog() {
  {
    std::lock_guard lock(lines_mutex_);
    stopping_ = true;
  }
  stop_.notify_one();
  flusher_.join();
  flush();
}

void BufferedLog::write(std::string_view line) {
  bool full = false;
  {
    std::lock_guard lock(lines_mutex_);
    lines_.append(line);
    lines_.push_back('\n');
    full = lines_.size() >= flush_bytes_;
  }
  if (full) flush();
}

std::size_t next_log_piece(std::string_view lines, std::size_t piece_max) {
  if (lines.size() <= piece_max) return lines.size();
  std::size_t last_newline =
      piece_max == 0 ? std::string_view::npos : lines.rfind('\n', piece_max - 1);
  if (last_newline != std::string_view::npos) return last_newline + 1;
  std::size_t end_of_line = lines.find('\n');
  return end_of_line == std::string_view::npos ? lines.size() : end_of_line + 1;
}

void BufferedLog::flush() {
  std::lock_guard flushing(flush_mutex_);
  {
    std::lock_guard lock(lines_mutex_);
    batch_.swap(lines_);
  }
  std::string_view rest(batch_);
  while (!rest.empty()) {
    std::string_view piece = rest.substr(0, next_log_piece(rest, PIPE_BUF));
    if (!crypto::write_all(fd_, piece)) break;  // nowhere to log to; serving goes on
    rest.remove_prefix(piece.size());
  }
  batch_.clear();
}

void BufferedLog::flush_every_interval() {
  std::unique_lock lock(lines_mutex_);
  while (!stopping_) {
    stop_.wait_for(lock, flush_interval_, [this] { return stopping_; });
    if (stopping_) break;
    if (lines_.empty()) continue;
    lock.unlock();
    flush();
    lock.lock();
  }
}

}  // namespace pardner::api
