// Signed-log benchmark (run by ops/bench, never by ctest): builds a ledger of N transfers,
// exports it, times `pardner verify` on the export in a child process (wall time and peak RSS
// from wait4) with every signature checked on every core, on one core, and with none checked;
// times ledger-cli's `bal` on the export's journal the same way when `ledger` is installed;
// measures one core's Ed25519 verifications/s, the ceiling verify is held to; and times
// inclusion proofs for random entries (from a cold reader) and a consistency proof.
// Usage: log_bench PATH_TO_PARDNER [--entries N] [--runs R] [--keep DIR] [--proofs-only]
// With --keep the ledger and its export stay in DIR and a later run with the same DIR reuses
// them (a 10,000,000-entry ledger takes a quarter of an hour to build).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
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

double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1,
                         static_cast<std::size_t>(q * static_cast<double>(values.size())))];
}

struct ChildRun {
  double seconds = -1;     // wall time; negative when the child failed
  double cpu_seconds = 0;  // user + system, all threads
  long peak_kib = 0;
};

// Runs `argv` to completion: wall and CPU seconds and the child's peak RSS in KiB. CPU time is
// what a shared machine cannot inflate: under load, wall time measures the neighbours too.
ChildRun run_child(std::vector<std::string> args, const char* stdout_file = "/dev/null") {
  auto start = std::chrono::steady_clock::now();
  pid_t child = ::fork();
  if (child == 0) {
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int out = ::open(stdout_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(out, 1);
    ::dup2(devnull, 2);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(child, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {seconds_since(start), seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_maxrss};
}

struct Timed {
  double median_rate = 0, min_rate = 0, max_rate = 0;
  double cpu_us_per_entry = 0;  // median
  long peak_kib = 0;
};

// `runs` runs of `args`, as entries/s of `entries` and the largest peak RSS; exits on failure.
Timed time_runs(const std::vector<std::string>& args, std::int64_t entries, int runs) {
  std::vector<double> rates, cpu;
  Timed timed;
  for (int r = 0; r < runs; ++r) {
    auto [took, cpu_seconds, rss] = run_child(args);
    if (took < 0) {
      std::fprintf(stderr, "bench: %s %s failed\n", args[0].c_str(), args[1].c_str());
      std::exit(1);
    }
    rates.push_back(static_cast<double>(entries) / took);
    cpu.push_back(cpu_seconds * 1e6 / static_cast<double>(entries));
    timed.peak_kib = std::max(timed.peak_kib, rss);
  }
  timed.cpu_us_per_entry = median(cpu);
  timed.median_rate = median(rates);
  timed.min_rate = *std::min_element(rates.begin(), rates.end());
  timed.max_rate = *std::max_element(rates.begin(), rates.end());
  return timed;
}

// One line and one JSON row per command timed; signatures "-" marks ledger-cli's row.
void report_verify(const char* label, const char* signatures, const char* replay,
                   unsigned threads, std::int64_t entries, int runs, const Timed& t) {
  std::printf(
      "log     %-44s %8.0f entries/s [%.0f..%.0f] of %d, %.1f us CPU/entry, peak RSS "
      "%ld MiB\n",
      label, t.median_rate, t.min_rate, t.max_rate, runs, t.cpu_us_per_entry, t.peak_kib / 1024);
  std::fprintf(stderr,
               "{\"bench\":\"%s\",\"signatures\":\"%s\",\"replay\":\"%s\",\"threads\":%u,"
               "\"entries\":%lld,\"median_entries_per_s\":%.0f,\"min\":%.0f,\"max\":%.0f,"
               "\"runs\":%d,\"cpu_us_per_entry\":%.2f,\"peak_rss_kib\":%ld}\n",
               threads == 0 && signatures[0] == '-' ? "ledger_cli_bal" : "verify", signatures,
               replay, threads, static_cast<long long>(entries), t.median_rate, t.min_rate,
               t.max_rate, runs, t.cpu_us_per_entry, t.peak_kib);
}

// One core's Ed25519 verifications per second of this thread's CPU time (on a shared machine
// wall time would count the neighbours), over a leaf-sized message, median of 3.
double ed25519_verify_rate() {
  auto key = crypto::SigningKey::generate();
  auto public_key = key.public_key();
  std::string message(260, 'x');
  auto signature = key.sign(message);
  std::vector<double> rates;
  for (int r = 0; r < 3; ++r) {
    constexpr int count = 10'000;
    const double start = thread_cpu_seconds();
    for (int i = 0; i < count; ++i) {
      if (!crypto::verify(public_key, message, signature)) std::exit(1);
    }
    rates.push_back(count / (thread_cpu_seconds() - start));
  }
  return median(rates);
}

std::int64_t export_size(const std::string& export_dir) {
  std::ifstream checkpoint(export_dir + "/checkpoint");
  std::string origin, size;
  std::getline(checkpoint, origin);
  std::getline(checkpoint, size);
  return std::stoll(size);
}

bool build_ledger(const std::string& data, std::int64_t entries) {
  Settings settings;
  settings.name = "log-bench";
  if (!init_ledger(data, settings)) return false;
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
      batch.push_back(make_transfer("k" + std::to_string(written), 1,
                                    2 + static_cast<AccountId>(rng() % 1000), 100));
    }
    for (auto& f : writer->submit_all(std::move(batch))) {
      if (!f.get()) return false;
    }
  }
  writer->stop();
  std::printf("log     built %lld entries in %.1f s\n", static_cast<long long>(entries),
              seconds_since(start));
  return true;
}

int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // show each figure as it is measured
  if (argc < 2) return 2;
  std::string pardner = argv[1];
  std::int64_t entries = 1'000'000;
  int runs = 3;
  std::string keep;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--entries") == 0) entries = std::stoll(argv[++i]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::stoi(argv[++i]);
    if (std::strcmp(argv[i], "--keep") == 0) keep = argv[++i];
  }
  const bool proofs_only = std::strcmp(argv[argc - 1], "--proofs-only") == 0;
  pardner::testing::TempDir dir;
  const std::string root = keep.empty() ? dir.path() : keep;
  const std::string data = root + "/ledger";
  const std::string out = root + "/export";
  if (!std::filesystem::exists(out + "/checkpoint")) {
    std::filesystem::remove_all(data);
    std::filesystem::remove_all(out);
    if (!build_ledger(data, entries)) return 1;
    auto start = std::chrono::steady_clock::now();
    if (!export_ledger(data, out)) return 1;
    std::printf("log     export of %lld entries: %.1f s\n", static_cast<long long>(entries),
                seconds_since(start));
  } else {
    std::printf("log     reusing the ledger and export in %s\n", root.c_str());
  }
  auto reader = Reader::open(database_path(data)).value();
  auto size = static_cast<std::uint64_t>(reader.log_size().value());
  // Verify reads the export, which a reused ledger may have outgrown (stored_bench.sh writes to
  // it): its rates are per exported entry, the size on the checkpoint's second line.
  entries = export_size(out);
  const std::string key = data + "/verifier.key";

  const double ceiling = ed25519_verify_rate();
  std::printf("log     Ed25519 verifications per CPU-second of one core (ceiling): %.0f/s\n",
              ceiling);
  std::fprintf(stderr, "{\"bench\":\"log_ceiling\",\"name\":\"ed25519_verify\",\"median\":%.0f}\n",
               ceiling);
  std::vector<std::string> verify = {pardner, "verify", out, "--key", key, "--quiet"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = verify;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  if (!proofs_only) {
    report_verify("verify, every signature, every core", "all", "full", 0, entries, runs,
                  time_runs(verify, entries, runs));
    report_verify("verify, every signature, one thread", "all", "full", 1, entries, 1,
                  time_runs(with({"--threads", "1"}), entries, 1));
    report_verify("verify, no signatures, every core", "none", "full", 0, entries, runs,
                  time_runs(with({"--signatures", "none"}), entries, runs));
    report_verify("verify, 1,000 sampled, every core", "sample:1000", "full", 0, entries, 1,
                  time_runs(with({"--signatures", "sample:1000"}), entries, 1));
    // The money rules alone, in memory (docs/signed-log.md, "--replay balances").
    report_verify("verify --replay balances, every signature", "all", "balances", 0, entries,
                  runs, time_runs(with({"--replay", "balances"}), entries, runs));
    report_verify("verify --replay balances, no signatures", "none", "balances", 0, entries,
                  runs,
                  time_runs(with({"--replay", "balances", "--signatures", "none"}), entries, runs));
  }

  // ledger-cli over the export's journal: the same data, timed the same way.
  const bool ledger_cli = run_child({"ledger", "--version"}).seconds >= 0;
  if (!proofs_only && ledger_cli) {
    report_verify("ledger -f ledger.journal bal", "-", "-", 0, entries, runs,
                  time_runs({"ledger", "-f", out + "/ledger.journal", "bal"}, entries, runs));
  }
  if (!proofs_only && !ledger_cli)
    std::printf("log     ledger-cli is not installed: no bal figure\n");

  // Proofs from a reader opened now: its page cache starts cold, as a server's does.
  std::mt19937 rng(11);
  constexpr int proofs = 1001;
  // Wall time, and this thread's CPU time, which scheduling on a busy machine cannot inflate
  // (a page read from the OS still counts: the copy is system time).
  std::vector<double> inclusion, inclusion_cpu, consistency;
  for (int r = 0; r < proofs; ++r) {
    auto seq = static_cast<Seq>(rng() % size);
    auto t = std::chrono::steady_clock::now();
    const double cpu = thread_cpu_seconds();
    if (!reader.inclusion_proof(seq, size)) return 1;
    inclusion_cpu.push_back((thread_cpu_seconds() - cpu) * 1e6);
    inclusion.push_back(seconds_since(t) * 1e6);
    t = std::chrono::steady_clock::now();
    if (!reader.consistency_proof(1001, size)) return 1;
    consistency.push_back(seconds_since(t) * 1e6);
  }
  const double first_100 = median(std::vector<double>(inclusion.begin(), inclusion.begin() + 100));
  std::printf(
      "log     inclusion proof at size %llu: %.0f us median of %d (first 100: %.0f us), "
      "p99 %.0f us, max %.0f us\n",
      static_cast<unsigned long long>(size), median(inclusion), proofs, first_100,
      quantile(inclusion, 0.99), quantile(inclusion, 1.0));
  std::printf("log     inclusion proof CPU time: %.0f us median, p99 %.0f us, max %.0f us\n",
              median(inclusion_cpu), quantile(inclusion_cpu, 0.99), quantile(inclusion_cpu, 1.0));
  std::printf("log     consistency proof 1001 -> %llu: %.0f us median of %d\n",
              static_cast<unsigned long long>(size), median(consistency), proofs);
  std::fprintf(stderr,
               "{\"bench\":\"proofs\",\"size\":%llu,\"inclusion_us\":%.0f,"
               "\"inclusion_first100_us\":%.0f,\"inclusion_p99_us\":%.0f,"
               "\"inclusion_max_us\":%.0f,\"inclusion_cpu_us\":%.0f,\"inclusion_cpu_p99_us\":%.0f,"
               "\"consistency_us\":%.0f}\n",
               static_cast<unsigned long long>(size), median(inclusion), first_100,
               quantile(inclusion, 0.99), quantile(inclusion, 1.0), median(inclusion_cpu),
               quantile(inclusion_cpu, 0.99), median(consistency));
  return 0;
}

}  // namespace
}  // namespace pardner::ledger

int main(int argc, char** argv) { return pardner::ledger::run(argc, argv); }
