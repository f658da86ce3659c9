// The real `pardner serve` as a child process for the end-to-end tests: started on port 0, its
// bound port read from the JSON line it prints, its stderr (the access log) kept in a file,
// signalled, and waited for with a deadline (pidfd + poll, no sleeps). Killed if still running
// when the test ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pardner::e2e {

class ServerProcess {
 public:
  // Runs `binary serve --data DIR --listen 127.0.0.1:0 [extra...]` and waits (10 s at most)
  // for {"listening":"127.0.0.1:PORT"}. nullptr with `error` set (and stderr's text) if not.
  static std::unique_ptr<ServerProcess> start(const std::string& binary,
                                              const std::string& data_dir,
                                              const std::vector<std::string>& extra,
                                              const std::string& stderr_file, std::string& error);
  ~ServerProcess();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  void signal(int signal_number);
  // The exit code once the process exits within `timeout`; -1 - signal if a signal ended it;
  // nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  ServerProcess(pid_t pid, int pidfd, int stdout_fd)
      : pid_(pid), pidfd_(pidfd), stdout_fd_(stdout_fd) {}

  pid_t pid_;
  int pidfd_;
  int stdout_fd_;
  int port_ = 0;
  bool reaped_ = false;
};

// Runs a shell command; its exit status (0 is success).
int run_command(const std::string& command);

std::string read_file(const std::string& path);

}  // namespace pardner::e2e
