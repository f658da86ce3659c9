// Child-process plumbing for the end-to-end tests.
#include "tests/e2e/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace pardner::e2e {
namespace {

// Reads from `fd` until a newline or the deadline; the line without its newline.
std::optional<std::string> read_line(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string line;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    ssize_t n = ::read(fd, &c, 1);
    if (n <= 0) return std::nullopt;
    if (c == '\n') return line;
    line.push_back(c);
  }
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int run_command(const std::string& command) { return std::system(command.c_str()); }

std::unique_ptr<ServerProcess> ServerProcess::start(const std::string& binary,
                                                    const std::string& data_dir,
                                                    const std::vector<std::string>& extra,
                                                    const std::string& stderr_file,
                                                    std::string& error) {
  std::vector<std::string> args = {binary, "serve", "--data", data_dir, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;  // built before fork: the child only calls async-signal-safe code
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int out[2];
  if (err < 0 || ::pipe2(out, O_CLOEXEC) != 0) return error = "pipe or open failed", nullptr;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(err);
  ::close(out[1]);
  // Debian 12's <sys/pidfd.h> lacks extern "C" for C++, so the system call is made directly.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  std::unique_ptr<ServerProcess> process(new ServerProcess(pid, pidfd, out[0]));
  auto line = read_line(out[0], std::chrono::steady_clock::now() + std::chrono::seconds(10));
  const std::string prefix = "{\"listening\":\"127.0.0.1:";
  if (!line || line->rfind(prefix, 0) != 0) {
    error =
        "no listening line (got '" + line.value_or("") + "'); stderr: " + read_file(stderr_file);
    return nullptr;
  }
  process->port_ = std::atoi(line->c_str() + prefix.size());
  return process;
}

ServerProcess::~ServerProcess() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (pidfd_ >= 0) ::close(pidfd_);
  ::close(stdout_fd_);
}

void ServerProcess::signal(int signal_number) {
  if (!reaped_) ::kill(pid_, signal_number);
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (reaped_) return std::nullopt;
  pollfd p{pidfd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
  int status = 0;
  if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
  reaped_ = true;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -1 - WTERMSIG(status);
}

}  // namespace pardner::e2e
