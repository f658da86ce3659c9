// Engine benchmark (run by ops/bench, never by ctest): transfers per second committed through
// the writer, durable (synchronous=FULL), for batch sizes 1, 10, 100 and 1000 on a ledger of
// 10,000 accounts, fresh and with transfers already stored, with time-ordered and with random
// (UUIDv4) idempotency keys. Prints medians of several runs with min and max, and JSON lines.
// `--profile N` instead commits N transfers in batches of 1,000 once (after `--preload`), for
// an instruction profile: under callgrind only those N are counted (start it with
// --instr-atstart=no; the requests are no-ops outside valgrind). It prints the bytes written to
// disk and each thread's CPU time over those N, then how long the writer takes to start again.
// `--batch N` measures only that batch size, `--checkpoint-frames N` sets
// WriterOptions::checkpoint_wal_frames.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/writer.h"
#include "tests/support/temp_dir.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

namespace pardner::ledger {
namespace {

constexpr int accounts_count = 10'000;

struct Options {
  std::int64_t preload = 1'000'000;
  int runs = 5;
  bool quick = false;
  std::size_t profile = 0;     // transfers to commit once for a profile; 0: the timed bench
  std::size_t only_batch = 0;  // `--batch N`: only that batch size; 0: 1, 10, 100 and 1000
};

class KeyMaker {
 public:
  KeyMaker(bool random, std::uint64_t seed) : random_(random), rng_(seed) {}
  std::string next() {
    char text[40];
    if (random_) {
      // UUIDv4 (RFC 9562 §5.4): 122 random bits, version 4, variant 10.
      std::uint64_t hi = rng_(), lo = rng_();
      hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
      lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
      std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx",
                    static_cast<unsigned long long>(hi >> 32),
                    static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                    static_cast<unsigned long long>(hi & 0xFFFF),
                    static_cast<unsigned long long>(lo >> 48),
                    static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    } else {
      // Time-ordered, as a client using UUIDv7 or a counter would send.
      std::snprintf(text, sizeof text, "%020llu", static_cast<unsigned long long>(++counter_));
    }
    return text;
  }

 private:
  bool random_;
  std::mt19937_64 rng_;
  std::uint64_t counter_ = 0;
};

// `--checkpoint-frames N`: the checkpointer's threshold, to compare settings in one run.
WriterOptions writer_options;

struct Bench {
  pardner::testing::TempDir dir;
  SystemClock clock;
  std::unique_ptr<Writer> writer;
  std::vector<AccountId> members;
  AccountId cash = 0;
  std::mt19937 rng{42};

  bool open(const char* name) {
    Settings settings;
    settings.name = name;
    if (!init_ledger(dir.path(), settings)) return false;
    auto key = load_log_key(dir.path());
    if (!key) return false;
    auto started = Writer::start(database_path(dir.path()), clock, key.value(), writer_options);
    if (!started) return false;
    writer = std::move(started.value());
    std::vector<Command> opens;
    opens.push_back(OpenAccount{.code = "assets:cash", .type = AccountType::asset});
    for (int i = 0; i < accounts_count; ++i) {
      opens.push_back(OpenAccount{.code = "liabilities:members:" + std::to_string(i),
                                  .type = AccountType::liability});
    }
    auto ok = run_all(std::move(opens), 1000);
    cash = 1;
    for (int i = 0; i < accounts_count; ++i) members.push_back(i + 2);
    return ok;
  }

  // Submits in waves of `wave` commands queued at once, so each commit holds one wave.
  bool run_all(std::vector<Command> commands, std::size_t wave) {
    for (std::size_t at = 0; at < commands.size(); at += wave) {
      std::vector<Command> part;
      for (std::size_t i = at; i < std::min(commands.size(), at + wave); ++i) {
        part.push_back(std::move(commands[i]));
      }
      for (auto& future : writer->submit_all(std::move(part))) {
        auto outcome = future.get();
        if (!outcome) {
          std::fprintf(stderr, "bench: refused: %s\n", outcome.error().detail.c_str());
          return false;
        }
      }
    }
    return true;
  }

  std::vector<Command> transfers(std::size_t count, KeyMaker& keys) {
    std::vector<Command> out;
    out.reserve(count);
    std::uniform_int_distribution<std::size_t> member(0, members.size() - 1);
    for (std::size_t i = 0; i < count; ++i) {
      out.push_back(make_transfer(keys.next(), cash, members[member(rng)], 100));
    }
    return out;
  }
};

struct Figure {
  double median, min, max;
};

Figure summarise(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2], samples.front(), samples.back()};
}

// `stored` is the preloaded ledger every run adds to; without one, each run starts on a new
// ledger of its own, so "fresh" means fresh for every batch size and run (the ledger a run
// grows would otherwise be the next run's).
void measure(Bench* stored, KeyMaker& keys, const char* ledger_state, const char* key_kind,
             const Options& options) {
  for (std::size_t batch : {std::size_t{1}, std::size_t{10}, std::size_t{100}, std::size_t{1000}}) {
    if (options.only_batch != 0 && batch != options.only_batch) continue;
    std::size_t count = batch == 1 ? 1000 : batch == 10 ? 5000 : batch == 100 ? 30000 : 60000;
    if (options.quick) count /= 10;
    std::vector<double> rates;
    std::vector<double> merge_ms;  // the writer's postings merge steps inside each run
    for (int run = 0; run < options.runs; ++run) {
      std::unique_ptr<Bench> fresh;
      if (stored == nullptr) {
        fresh = std::make_unique<Bench>();
        if (!fresh->open("fresh")) std::exit(1);
      }
      Bench& bench = stored != nullptr ? *stored : *fresh;
      auto commands = bench.transfers(count, keys);
      const WriterStats before = bench.writer->stats();
      auto started = std::chrono::steady_clock::now();
      if (!bench.run_all(std::move(commands), batch)) std::exit(1);
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      rates.push_back(static_cast<double>(count) / took.count());
      const WriterStats after = bench.writer->stats();
      merge_ms.push_back(
          static_cast<double>(after.postings_merge_micros - before.postings_merge_micros) / 1e3);
    }
    Figure f = summarise(rates);
    std::printf(
        "engine  %-9s %-7s batch %4zu  %9.0f transfers/s  (min %.0f, max %.0f, %d runs;"
        " merge steps %.0f ms a run, median)\n",
        ledger_state, key_kind, batch, f.median, f.min, f.max, options.runs,
        summarise(merge_ms).median);
    std::fprintf(stderr,
                 "{\"bench\":\"engine_transfers\",\"ledger\":\"%s\",\"keys\":\"%s\",\"batch\":%zu,"
                 "\"median\":%.0f,\"min\":%.0f,\"max\":%.0f,\"runs\":%d}\n",
                 ledger_state, key_kind, batch, f.median, f.min, f.max, options.runs);
  }
}

// Bytes this process has caused to be written to the disk so far (/proc/self/io), the WAL's
// and the checkpoints' alike; 0 where the kernel does not say.
long long disk_bytes_written() {
  std::FILE* io = std::fopen("/proc/self/io", "r");
  if (io == nullptr) return 0;
  char line[128];
  long long bytes = 0;
  while (std::fgets(line, sizeof line, io) != nullptr) {
    if (std::sscanf(line, "write_bytes: %lld", &bytes) == 1) break;
  }
  std::fclose(io);
  return bytes;
}

// CPU time each of this process's threads has had, in nanoseconds, by thread name
// (/proc/self/task/*/schedstat; threads of one name summed). Less at the mercy of a busy
// neighbour than the wall clock, so a profile can compare two binaries' writers.
std::map<std::string, long long> thread_cpu_nanos() {
  std::map<std::string, long long> cpu;
  std::error_code ignored;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ignored)) {
    std::ifstream comm(task.path() / "comm"), schedstat(task.path() / "schedstat");
    std::string name;
    long long nanos = 0;
    if (std::getline(comm, name) && (schedstat >> nanos)) cpu[name] += nanos;
  }
  return cpu;
}

// One fresh ledger (time-ordered keys), `options.preload` transfers stored first, then
// `options.profile` transfers in batches of 1,000: the only part callgrind collects.
int profile(const Options& options) {
  CALLGRIND_STOP_INSTRUMENTATION;
  Bench bench;
  if (!bench.open("profile")) return 1;
  KeyMaker keys(false, 3);
  for (std::int64_t done = 0; done < options.preload; done += 100'000) {
    auto count = static_cast<std::size_t>(std::min<std::int64_t>(100'000, options.preload - done));
    if (!bench.run_all(bench.transfers(count, keys), 1000)) return 1;
    // What a merge of recent postings costs as the tables grow, during which the writer takes
    // no batch, and the memory the idempotency key index takes.
    WriterStats stats = bench.writer->stats();
    std::printf(
        "engine  %lld stored: %llu idempotency keys in %.1f MiB of memory;"
        " %llu postings merges in %llu steps, the last step took %.1f ms\n",
        static_cast<long long>(done + static_cast<std::int64_t>(count)),
        static_cast<unsigned long long>(stats.idempotency_keys_in_memory),
        static_cast<double>(stats.idempotency_index_bytes) / (1024.0 * 1024.0),
        static_cast<unsigned long long>(stats.postings_merges),
        static_cast<unsigned long long>(stats.postings_merge_steps),
        static_cast<double>(stats.last_postings_merge_step_micros) / 1000.0);
  }
  auto commands = bench.transfers(options.profile, keys);
  long long written_before = disk_bytes_written();
  const auto cpu_before = thread_cpu_nanos();
  CALLGRIND_START_INSTRUMENTATION;
  auto started = std::chrono::steady_clock::now();
  if (!bench.run_all(std::move(commands), 1000)) return 1;
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  CALLGRIND_STOP_INSTRUMENTATION;
  for (const auto& [name, nanos] : thread_cpu_nanos()) {
    auto before = cpu_before.find(name);
    const long long used = nanos - (before == cpu_before.end() ? 0 : before->second);
    std::printf("engine  profile: thread %-16s %8.0f ms of CPU, %6.2f us a transfer\n",
                name.c_str(), static_cast<double>(used) / 1e6,
                static_cast<double>(used) / 1e3 / static_cast<double>(options.profile));
  }
  bench.writer.reset();  // closing checkpoints the rest of the WAL: those writes count too
  double per_transfer = static_cast<double>(disk_bytes_written() - written_before) /
                        static_cast<double>(options.profile);
  std::printf(
      "engine  profile: %zu transfers after %lld stored in %.3f s, %.0f bytes written"
      " to disk per transfer\n",
      options.profile, static_cast<long long>(options.preload), took.count(), per_transfer);
  // What a restart costs the writer before its first batch: the file's pages mostly in the
  // page cache, as after a quick restart.
  auto key = load_log_key(bench.dir.path());
  if (!key) return 1;
  auto reopen_started = std::chrono::steady_clock::now();
  auto reopened =
      Writer::start(database_path(bench.dir.path()), bench.clock, key.value(), writer_options);
  std::chrono::duration<double> reopen_took = std::chrono::steady_clock::now() - reopen_started;
  if (!reopened) return 1;
  std::printf(
      "engine  profile: the writer started again in %.3f s, with %llu idempotency keys"
      " in %.1f MiB\n",
      reopen_took.count(),
      static_cast<unsigned long long>(reopened.value()->stats().idempotency_keys_in_memory),
      static_cast<double>(reopened.value()->stats().idempotency_index_bytes) / 1048576.0);
  return 0;
}

int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // show each figure as it is measured
  Options options;
  bool preload_given = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      options.quick = true;
      options.preload = 100'000;
      options.runs = 3;
    } else if (std::strcmp(argv[i], "--preload") == 0 && i + 1 < argc) {
      options.preload = std::stoll(argv[++i]);
      preload_given = true;
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      options.runs = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
      options.only_batch = std::stoul(argv[++i]);
    } else if (std::strcmp(argv[i], "--checkpoint-frames") == 0 && i + 1 < argc) {
      writer_options.checkpoint_wal_frames = std::stoull(argv[++i]);
    } else if (std::strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
      options.profile = std::stoul(argv[++i]);
    }
  }
  if (options.profile > 0 && !preload_given) options.preload = 0;
  if (options.profile > 0) return profile(options);
  for (bool random : {false, true}) {
    const char* key_kind = random ? "uuidv4" : "ordered";
    {
      KeyMaker keys(random, 1);
      measure(nullptr, keys, "fresh", key_kind, options);
    }
    Bench loaded;
    if (!loaded.open("loaded")) return 1;
    KeyMaker keys(random, 2);
    auto started = std::chrono::steady_clock::now();
    for (std::int64_t done = 0; done < options.preload; done += 100'000) {
      auto count =
          static_cast<std::size_t>(std::min<std::int64_t>(100'000, options.preload - done));
      if (!loaded.run_all(loaded.transfers(count, keys), 1000)) return 1;
    }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    std::printf("engine  preloaded %lld transfers (%s keys) in %.1f s\n",
                static_cast<long long>(options.preload), key_kind, took.count());
    char label[32];
    std::snprintf(label, sizeof label, "+%lldk", static_cast<long long>(options.preload / 1000));
    measure(&loaded, keys, label, key_kind, options);
  }
  return 0;
}

}  // namespace
}  // namespace pardner::ledger

int main(int argc, char** argv) { return pardner::ledger::run(argc, argv); }
