// Signed-log benchmark (run by ops/bench, never by ctest): builds a ledger of N transfers,
// exports it, times `pardner verify` on the export in a child process (wall time and peak RSS
// from wait4), and times one inclusion and one consistency proof against the full log.
// Usage: log_bench PATH_TO_PARDNER [--entries N] [--runs R]
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ledger/audit_export.h"
#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/writer.h"
#include "tests/support/temp_dir.h"

namespace pardner::ledger {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Runs `argv` to completion; returns wall seconds and the child's peak RSS in KiB.
std::pair<double, long> run_child(std::vector<std::string> args) {
  auto start = std::chrono::steady_clock::now();
  pid_t child = ::fork();
  if (child == 0) {
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(child, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench: %s failed\n", args[0].c_str());
    std::exit(1);
  }
  return {seconds_since(start), usage.ru_maxrss};
}

int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // show each figure as it is measured
  if (argc < 2) return 2;
  std::string pardner = argv[1];
  std::int64_t entries = 1'000'000;
  int runs = 3;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--entries") == 0) entries = std::stoll(argv[++i]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::stoi(argv[++i]);
  }
  pardner::testing::TempDir dir;
  std::string data = dir.file("ledger");
  Settings settings;
  settings.name = "log-bench";
  if (!init_ledger(data, settings)) return 1;
  SystemClock clock;
  auto writer = Writer::start(database_path(data), clock, load_log_key(data).value()).value();
  std::vector<Command> setup = {OpenAccount{.code = "assets:cash", .type = AccountType::asset}};
  for (int i = 0; i < 1000; ++i) {
    setup.push_back(OpenAccount{.code = "liabilities:members:" + std::to_string(i),
                                .type = AccountType::liability});
  }
  for (auto& f : writer->submit_all(std::move(setup))) (void)f.get();
  auto start = std::chrono::steady_clock::now();
  std::mt19937 rng(7);
  std::int64_t written = 1001;
  while (written < entries) {
    std::vector<Command> batch;
    for (int i = 0; i < 1000 && written < entries; ++i, ++written) {
      batch.push_back(make_transfer("k" + std::to_string(written), 1, 2 + static_cast<AccountId>(rng() % 1000), 100));
    }
    for (auto& f : writer->submit_all(std::move(batch))) {
      if (!f.get()) return 1;
    }
  }
  writer->stop();
  std::printf("log     built %lld entries in %.1f s\n", static_cast<long long>(entries),
              seconds_since(start));
  std::string out = dir.file("export");
  start = std::chrono::steady_clock::now();
  if (!export_ledger(data, out)) return 1;
  std::printf("log     export of %lld entries: %.1f s\n", static_cast<long long>(entries),
              seconds_since(start));
  std::string key = dir.file("ledger/verifier.key");

  std::vector<double> rates;
  long peak_kib = 0;
  for (int r = 0; r < runs; ++r) {
    auto [took, rss] = run_child({pardner, "verify", out, "--key", key, "--quiet"});
    rates.push_back(static_cast<double>(entries) / took);
    peak_kib = std::max(peak_kib, rss);
  }
  std::printf("log     pardner verify: %.0f entries/s median of %d (peak RSS %ld MiB)\n",
              median(rates), runs, peak_kib / 1024);
  std::fprintf(stderr, "{\"bench\":\"verify\",\"entries\":%lld,\"median_entries_per_s\":%.0f,"
               "\"peak_rss_kib\":%ld}\n", static_cast<long long>(entries), median(rates), peak_kib);

  auto reader = Reader::open(database_path(data)).value();
  auto size = static_cast<std::uint64_t>(reader.log_size().value());
  std::vector<double> inclusion, consistency;
  for (int r = 0; r < 101; ++r) {
    auto seq = static_cast<Seq>(rng() % size);
    auto t = std::chrono::steady_clock::now();
    if (!reader.inclusion_proof(seq, size)) return 1;
    inclusion.push_back(seconds_since(t) * 1e6);
    t = std::chrono::steady_clock::now();
    if (!reader.consistency_proof(1001, size)) return 1;
    consistency.push_back(seconds_since(t) * 1e6);
  }
  std::printf("log     inclusion proof at size %llu: %.0f us median of 101\n",
              static_cast<unsigned long long>(size), median(inclusion));
  std::printf("log     consistency proof 1001 -> %llu: %.0f us median of 101\n",
              static_cast<unsigned long long>(size), median(consistency));
  std::fprintf(stderr, "{\"bench\":\"proofs\",\"size\":%llu,\"inclusion_us\":%.0f,"
               "\"consistency_us\":%.0f}\n", static_cast<unsigned long long>(size),
               median(inclusion), median(consistency));
  return 0;
}

}  // namespace
}  // namespace pardner::ledger

int main(int argc, char** argv) { return pardner::ledger::run(argc, argv); }
