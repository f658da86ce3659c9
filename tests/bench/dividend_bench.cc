// Dividend benchmark (run by `ops/bench dividend`, never by ctest): the engine time of one
// DeclareDividend over 10,000 members' share accounts, from submitting the command to the
// writer's answer after its durable commit (synchronous=FULL): the share balances as of the seq,
// the largest-remainder split, 79 transactions of at most 128 postings, the dividend entry, the
// projection's recomputation, signing, the Merkle tree and the commit. Median of several runs
// with min and max, and a JSON line; ops/bench_targets.py says PASS under one second.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "crypto/access_token.h"
#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/writer.h"
#include "tests/support/temp_dir.h"

namespace pardner::ledger {
namespace {

struct Options {
  int members = 10'000;
  int runs = 7;
};

struct Bench {
  pardner::testing::TempDir dir;
  SystemClock clock;
  std::unique_ptr<Writer> writer;
  ActorToken admin = 0;
  AccountId cash = 0, profit = 0;
  int keys = 0;

  std::string key() { return "dividend-bench-" + std::to_string(++keys); }

  // Submits the commands in waves of 10,000 (the writer's queue holds 16,384; it commits each
  // wave in batches); the first refusal stops.
  bool run_all(std::vector<Command> commands, std::vector<std::int64_t>* ids = nullptr) {
    constexpr std::size_t wave = 10'000;
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
        if (ids != nullptr) ids->push_back(outcome.value().id);
      }
    }
    return true;
  }

  // A ledger with cash, an income account holding the profit, and `count` members each holding
  // a random number of shares (1.00 to 1,000.00) bought with cash.
  bool open(int count) {
    Settings settings;
    settings.name = "dividend";
    if (!init_ledger(dir.path(), settings)) return false;
    auto loaded = load_log_key(dir.path());
    if (!loaded) return false;
    auto started = Writer::start(database_path(dir.path()), clock, loaded.value());
    if (!started) return false;
    writer = std::move(started.value());
    std::vector<std::int64_t> opened;
    if (!run_all({OpenAccount{.code = "assets:cash", .type = AccountType::asset},
                  OpenAccount{.code = "income:trading", .type = AccountType::income}},
                 &opened)) {
      return false;
    }
    cash = opened[0];
    profit = opened[1];
    auto token = writer->submit_and_wait(
        CreateAccessToken{.token_hash = crypto::access_token_hash(crypto::generate_access_token()),
                          .role = Role::admin});
    if (!token) return false;
    admin = token.value().id;
    std::vector<Command> members(static_cast<std::size_t>(count), Command{CreateMember{}});
    std::vector<std::int64_t> member_ids;
    if (!run_all(std::move(members), &member_ids)) return false;
    std::vector<Command> accounts;
    for (std::int64_t member : member_ids) {
      accounts.push_back(OpenAccount{.code = "equity:shares:" + std::to_string(member),
                                     .type = AccountType::equity,
                                     .member = member});
    }
    std::vector<std::int64_t> share_accounts;
    if (!run_all(std::move(accounts), &share_accounts)) return false;
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<Minor> shares(1'00, 1'000'00);
    std::vector<Command> buys;
    for (AccountId account : share_accounts) {
      buys.push_back(make_transfer(key(), cash, account, shares(rng)));
    }
    buys.push_back(make_transfer(key(), cash, profit, 1'000'000'000'00));
    return run_all(std::move(buys));
  }

  Seq last_seq() {
    auto reader = Reader::open(database_path(dir.path()));
    if (!reader) return -1;
    auto size = reader.value().log_size();
    return size ? size.value() - 1 : -1;
  }
};

int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      options.runs = 3;
    } else if (std::strcmp(argv[i], "--members") == 0 && i + 1 < argc) {
      options.members = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      options.runs = std::stoi(argv[++i]);
    }
  }
  Bench bench;
  if (!bench.open(options.members)) return 1;
  std::vector<double> samples;
  for (int run = 0; run < options.runs; ++run) {
    // Each run counts the shares as of the log's end, including the earlier runs' dividends
    // (paid into the share accounts), so no two runs split the same balances.
    DeclareDividend command{.idempotency_key = bench.key(),
                            .actor = bench.admin,
                            .source_account = bench.profit,
                            .share_prefix = "equity:shares:",
                            .as_of_seq = bench.last_seq(),
                            .amount_minor = 12'345'678'91 + run};
    auto started = std::chrono::steady_clock::now();
    auto declared = bench.writer->submit_and_wait(std::move(command));
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
    if (!declared) {
      std::fprintf(stderr, "bench: dividend refused: %s\n", declared.error().detail.c_str());
      return 1;
    }
    samples.push_back(took.count());
  }
  std::sort(samples.begin(), samples.end());
  double median = samples[samples.size() / 2];
  std::printf("dividend  %d members  %8.1f ms  (min %.1f, max %.1f, %d runs)\n", options.members,
              median, samples.front(), samples.back(), options.runs);
  std::fprintf(stderr,
               "{\"bench\":\"dividend\",\"members\":%d,\"median_ms\":%.1f,\"min_ms\":%.1f,"
               "\"max_ms\":%.1f,\"runs\":%d}\n",
               options.members, median, samples.front(), samples.back(), options.runs);
  return 0;
}

}  // namespace
}  // namespace pardner::ledger

int main(int argc, char** argv) { return pardner::ledger::run(argc, argv); }
