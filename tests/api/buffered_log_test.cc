// BufferedLog: every line arrives once, whole and in each thread's order; a batch leaves when it
// is full, when the interval passes, and when the log is destroyed.
#include "api/buffered_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace pardner::api {
namespace {

using namespace std::chrono_literals;

// A pipe whose read end is drained without blocking.
class Pipe {
 public:
  Pipe() {
    EXPECT_EQ(::pipe(fds_), 0);
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int write_end() const { return fds_[1]; }
  std::string read_available() {
    std::string out;
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(fds_[0], chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<std::size_t>(n));
    return out;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(BufferedLog, APieceIsWholeLinesThatFitOrOneLongerLine) {
  EXPECT_EQ(next_log_piece("ab\ncd\n", 100), 6u);
  EXPECT_EQ(next_log_piece("ab\ncd\nef\n", 7), 6u);    // "ef\n" would pass 7
  EXPECT_EQ(next_log_piece("ab\ncd\nef\n", 6), 6u);    // exactly at the bound
  EXPECT_EQ(next_log_piece("abcdefgh\nij\n", 4), 9u);  // a line longer than the bound: whole
  EXPECT_EQ(next_log_piece("abcdefgh", 4), 8u);        // no newline at all: everything
}

TEST(BufferedLog, HoldsLinesUntilTheIntervalThenWritesThemInOrder) {
  Pipe pipe;
  BufferedLog log(pipe.write_end(), 200ms, 1 << 20);
  log.write("one");
  log.write("two");
  EXPECT_EQ(pipe.read_available(), "");
  std::string seen;
  for (int i = 0; i < 100 && seen.empty(); ++i) {
    std::this_thread::sleep_for(20ms);
    seen = pipe.read_available();
  }
  EXPECT_EQ(seen, "one\ntwo\n");
}

TEST(BufferedLog, WritesABatchAsSoonAsItIsFull) {
  Pipe pipe;
  BufferedLog log(pipe.write_end(), std::chrono::hours(1), 10);
  log.write("12345");
  EXPECT_EQ(pipe.read_available(), "");
  log.write("67890");  // 12 bytes with the newlines: over the 10
  EXPECT_EQ(pipe.read_available(), "12345\n67890\n");
}

TEST(BufferedLog, FlushAndDestructionWriteWhatIsLeft) {
  Pipe pipe;
  {
    BufferedLog log(pipe.write_end(), std::chrono::hours(1), 1 << 20);
    log.write("a");
    log.flush();
    EXPECT_EQ(pipe.read_available(), "a\n");
    log.write("b");
  }
  EXPECT_EQ(pipe.read_available(), "b\n");
}

TEST(BufferedLog, LinesFromManyThreadsArriveWholeOnceAndInEachThreadsOrder) {
  char path[] = "/tmp/pardner-buffered-log-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  constexpr int threads_count = 4, lines_per_thread = 5000;
  {
    // Small batches and a short interval: size flushes and timed flushes race each other.
    BufferedLog log(fd, 1ms, 512);
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_count; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < lines_per_thread; ++i) {
          log.write("thread " + std::to_string(t) + " line " + std::to_string(i));
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  ::lseek(fd, 0, SEEK_SET);
  std::string text;
  char chunk[65536];
  ssize_t n;
  while ((n = ::read(fd, chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<std::size_t>(n));
  ::close(fd);
  ::unlink(path);

  std::map<int, int> next;  // thread -> the line number expected next
  std::size_t at = 0, lines = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    ASSERT_NE(end, std::string::npos);
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(text.substr(at, end - at).c_str(), "thread %d line %d", &t, &i), 2);
    EXPECT_EQ(i, next[t]) << "thread " << t;
    next[t] = i + 1;
    ++lines;
    at = end + 1;
  }
  EXPECT_EQ(lines, std::size_t{threads_count * lines_per_thread});
}

}  // namespace
}  // namespace pardner::api
