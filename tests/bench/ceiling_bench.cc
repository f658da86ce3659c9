// This machine's ceilings (run by ops/bench, never by ctest), measured in the same run as the
// Pardner figures they bound, each the median of several runs with min and max:
//   fdatasync   durable commits/s on TMPDIR's disk: a 4 KiB write and an fdatasync each;
//   ed25519     signatures and verifications per second on one core (libsodium, as the log);
//   sqlite      raw batched inserts of ledger-shaped transfers (an entry row of ~300 bytes and two
//               posting rows with their index) in WAL with synchronous=FULL, 1,000 a commit;
//   signed      the same with a SHA-256 leaf hash and an Ed25519 signature stored per entry:
//               the in-process signed-write ceiling the engine and the HTTPS batches are held to.
// No Pardner code runs here but crypto/ (the same primitives) and ledger/sqlite.h (the same
// connection settings): what is measured is what the hardware and the libraries allow.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ledger/sqlite.h"
#include "tests/support/temp_dir.h"

namespace pardner::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Figure {
  double median, min, max;
};

template <class Run>
Figure measure(int runs, Run run) {
  std::vector<double> rates;
  for (int i = 0; i < runs; ++i) rates.push_back(run());
  std::sort(rates.begin(), rates.end());
  return {rates[rates.size() / 2], rates.front(), rates.back()};
}

double per_second(std::size_t count, Clock::time_point started) {
  std::chrono::duration<double> took = Clock::now() - started;
  return static_cast<double>(count) / took.count();
}

void report(const char* name, const char* unit, Figure f, int runs) {
  std::printf("ceiling %-22s %11.0f %s  (min %.0f, max %.0f, %d runs)\n", name, f.median, unit,
              f.min, f.max, runs);
  std::fprintf(stderr,
               "{\"bench\":\"ceiling\",\"name\":\"%s\",\"unit\":\"%s\",\"median\":%.0f,"
               "\"min\":%.0f,\"max\":%.0f,\"runs\":%d}\n",
               name, unit, f.median, f.min, f.max, runs);
}

double fdatasync_rate(const std::string& path, std::size_t count) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) std::exit(1);
  std::string block(4096, 'x');
  auto started = Clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i * block.size())) < 0 ||
        ::fdatasync(fd) != 0) {
      std::exit(1);
    }
  }
  double rate = per_second(count, started);
  ::close(fd);
  return rate;
}

// An entry's leaf as the log writes one: canonical JSON of a two-posting transfer, ~300 bytes.
std::string leaf_of(std::int64_t seq) {
  return R"({"idempotency_key":"k-)" + std::to_string(seq) +
         R"(","kind":"transaction","memo":"","phase":"posted","postings":[{"account":1,)"
         R"("amount":100},{"account":)" +
         std::to_string(2 + seq % 10'000) + R"(,"amount":-100}],"seq":)" + std::to_string(seq) +
         R"(,"transaction":)" + std::to_string(seq) +
         R"(,"ts":"2026-11-23T12:00:00.000000Z","value_date":"2026-11-23"})";
}

// Transfers inserted in commits of `batch`, signed or not; returns transfers per second.
double sqlite_rate(const std::string& path, std::size_t count, std::size_t batch, bool signed_log,
                   const crypto::SigningKey& key) {
  std::remove(path.c_str());
  auto db = ledger::Database::open(path, ledger::Database::Mode::read_write_create);
  if (!db) std::exit(1);
  auto made = db.value().exec(
      "CREATE TABLE entries (seq INTEGER PRIMARY KEY, leaf BLOB NOT NULL, hash BLOB,"
      " signature BLOB);"
      "CREATE TABLE postings (account_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
      " idx INTEGER NOT NULL, amount_minor INTEGER NOT NULL, PRIMARY KEY (account_id, seq, idx))"
      " WITHOUT ROWID;");
  if (!made) std::exit(1);
  auto entry = db.value().prepare("INSERT INTO entries VALUES (?, ?, ?, ?)");
  auto posting = db.value().prepare("INSERT INTO postings VALUES (?, ?, ?, ?)");
  if (!entry || !posting) std::exit(1);
  crypto::Sha256 hasher;
  auto started = Clock::now();
  for (std::size_t done = 0; done < count; done += batch) {
    if (!db.value().exec("BEGIN")) std::exit(1);
    for (std::size_t i = done; i < std::min(count, done + batch); ++i) {
      auto seq = static_cast<std::int64_t>(i);
      std::string leaf = leaf_of(seq);
      auto& e = entry.value();
      e.bind(1, seq);
      e.bind_blob(2, {reinterpret_cast<const std::uint8_t*>(leaf.data()), leaf.size()});
      if (signed_log) {
        hasher.update(std::string_view("\0", 1));
        hasher.update(leaf);
        crypto::Hash hash = hasher.finish();
        crypto::Signature signature = key.sign(leaf);
        e.bind_blob(3, hash);
        e.bind_blob(4, signature);
      } else {
        e.bind_null(3);
        e.bind_null(4);
      }
      if (!e.run()) std::exit(1);
      for (std::int64_t idx : {0, 1}) {
        auto& p = posting.value();
        p.bind(1, idx == 0 ? std::int64_t{1} : 2 + seq % 10'000);
        p.bind(2, seq);
        p.bind(3, idx);
        p.bind(4, idx == 0 ? std::int64_t{100} : std::int64_t{-100});
        if (!p.run()) std::exit(1);
      }
    }
    if (!db.value().exec("COMMIT")) std::exit(1);
  }
  return per_second(count, started);
}

int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  int runs = quick ? 3 : 5;
  pardner::testing::TempDir dir;
  crypto::SigningKey key = crypto::SigningKey::generate();
  crypto::PublicKey public_key = key.public_key();
  std::string message = leaf_of(42);

  report("fdatasync", "commits/s",
         measure(runs, [&] { return fdatasync_rate(dir.file("sync"), quick ? 200 : 1000); }), runs);
  std::size_t signs = quick ? 5'000 : 20'000;
  report("ed25519_sign", "signs/s",
         measure(runs,
                 [&] {
                   auto started = Clock::now();
                   for (std::size_t i = 0; i < signs; ++i) {
                     message[0] = static_cast<char>(i);
                     (void)key.sign(message);
                   }
                   return per_second(signs, started);
                 }),
         runs);
  crypto::Signature signature = key.sign(message);
  report("ed25519_verify", "verifies/s",
         measure(runs,
                 [&] {
                   auto started = Clock::now();
                   for (std::size_t i = 0; i < signs; ++i) {
                     if (!crypto::verify(public_key, message, signature)) std::exit(1);
                   }
                   return per_second(signs, started);
                 }),
         runs);
  std::size_t transfers = quick ? 20'000 : 100'000;
  report(
      "sqlite_batch1000", "transfers/s",
      measure(runs, [&] { return sqlite_rate(dir.file("raw.db"), transfers, 1000, false, key); }),
      runs);
  report(
      "signed_batch1000", "transfers/s",
      measure(runs, [&] { return sqlite_rate(dir.file("signed.db"), transfers, 1000, true, key); }),
      runs);
  report("sqlite_batch1", "transfers/s",
         measure(
             runs,
             [&] { return sqlite_rate(dir.file("single.db"), quick ? 200 : 1000, 1, false, key); }),
         runs);
  return 0;
}

}  // namespace
}  // namespace pardner::bench

int main(int argc, char** argv) { return pardner::bench::run(argc, argv); }
