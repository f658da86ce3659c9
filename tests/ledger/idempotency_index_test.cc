// The idempotency key index (ledger/key_hash_index.h,
// schema/0014_idempotency_hashes_in_memory.sql): every key's hash in the writer's memory, found
// again after a restart; hashes that collide and ids a rollback undid are read and compared, never
// trusted; and ledgers from before the index was in memory keep their keys when migrated.
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ledger/key_hash_index.h"
#include "ledger/migrations.h"
#include "ledger/sqlite.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/undo_migrations.h"

namespace pardner::ledger::testing {
namespace {

std::vector<std::int64_t> ids_of(const KeyHashIndex& index, std::int64_t hash) {
  std::vector<std::int64_t> ids;
  for (const KeyHashIndex::Slot& slot : index.find(hash)) {
    EXPECT_EQ(slot.hash, hash);
    ids.push_back(slot.id);
  }
  return ids;
}

TEST(KeyHashIndex, FindsEveryIdAddedUnderAHashAndNoOther) {
  KeyHashIndex index;
  EXPECT_TRUE(index.find(42).empty());
  // Hashes at both ends of the range and in one bucket; ids out of order and repeated.
  index.add(42, 7);
  index.add(INT64_MIN, 1);
  index.add(INT64_MAX, 2);
  index.add(42, 3);
  index.add(43, 4);
  index.add(41, 5);
  index.add(42, 3);  // a batch run again may add the same row twice
  EXPECT_EQ(ids_of(index, 42), (std::vector<std::int64_t>{3, 3, 7}));
  EXPECT_EQ(ids_of(index, 41), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(ids_of(index, 43), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(ids_of(index, INT64_MIN), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids_of(index, INT64_MAX), (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(index.find(44).empty());
  EXPECT_TRUE(index.find(-42).empty());
  EXPECT_EQ(index.size(), 7U);
}

// Random hashes, as SHA-256 prefixes are, against a plain map: every hash is found with exactly
// its ids, in order, a hash never added finds none, and the memory stays near 16 bytes a key.
TEST(KeyHashIndex, AgreesWithAMapOverManyRandomHashes) {
  KeyHashIndex index;
  std::map<std::int64_t, std::vector<std::int64_t>> model;
  std::vector<std::int64_t> hashes;
  std::mt19937_64 random(14);
  for (std::int64_t id = 1; id <= 200'000; ++id) {
    // One hash in ten is an earlier one again: a collision, or a rolled-back id's hash.
    const bool again = !hashes.empty() && random() % 10 == 0;
    const std::int64_t hash =
        again ? hashes[random() % hashes.size()] : static_cast<std::int64_t>(random());
    hashes.push_back(hash);
    index.add(hash, id);
    model[hash].push_back(id);
  }
  for (const auto& [hash, ids] : model) ASSERT_EQ(ids_of(index, hash), ids) << hash;
  for (int i = 0; i < 1'000; ++i) {
    const auto hash = static_cast<std::int64_t>(random());
    if (!model.contains(hash)) {
      EXPECT_TRUE(index.find(hash).empty()) << hash;
    }
  }
  EXPECT_EQ(index.size(), hashes.size());
  // 16 bytes a slot, spare capacity of at most an eighth and four slots a bucket, and the
  // buckets themselves.
  EXPECT_LE(index.bytes(), hashes.size() * 16 * 9 / 8 + 65'536 * (4 * 16 + 24));

  // Loaded at once, as a writer starts: counted, added in any order, sorted. The same answers,
  // each bucket at exactly its size; and keys added one by one afterwards join them.
  KeyHashIndex loaded;
  for (std::int64_t hash : hashes) loaded.count(hash);
  for (std::size_t i = hashes.size(); i-- > 0;) {
    loaded.add_unsorted(hashes[i], static_cast<std::int64_t>(i + 1));
  }
  loaded.sort();
  EXPECT_EQ(loaded.size(), hashes.size());
  EXPECT_EQ(loaded.bytes(), hashes.size() * 16 + 65'536 * sizeof(std::vector<KeyHashIndex::Slot>));
  loaded.add(hashes[0], 200'001);
  model[hashes[0]].push_back(200'001);
  for (const auto& [hash, ids] : model) ASSERT_EQ(ids_of(loaded, hash), ids) << hash;
}

// Adding more than was counted, or without counting at all, only costs the buckets' growth.
TEST(KeyHashIndex, LoadsWhatWasNotCounted) {
  KeyHashIndex index;
  index.count(5);
  index.add_unsorted(5, 2);
  index.add_unsorted(5, 1);
  index.add_unsorted(INT64_MIN, 3);  // never counted
  index.sort();
  EXPECT_EQ(ids_of(index, 5), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(ids_of(index, INT64_MIN), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(index.size(), 3U);
}

class IdempotencyIndexTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset, Minor{0});
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
  }

  // A count from the ledger file, on a connection of our own.
  std::int64_t count(const char* sql) {
    auto db = Database::open(db_path(), Database::Mode::read_only);
    EXPECT_TRUE(db) << db.error().detail;
    if (!db) return -1;
    Statement& query = db.value().cached(sql);
    auto row = query.step();
    EXPECT_TRUE(row && row.value());
    std::int64_t n = query.column_int(0);
    query.reset();
    return n;
  }

  // Pays `amount` under `key`, expects it applied for the first time, and records it.
  Applied pay(const std::string& key, Minor amount) {
    auto paid = submit(make_transfer(key, cash_, savings_, amount));
    EXPECT_TRUE(paid) << (paid ? "" : paid.error().detail);
    EXPECT_TRUE(!paid || !paid.value().replayed) << key;
    Applied applied = paid ? paid.value() : Applied{};
    paid_.push_back({key, amount, applied});
    return applied;
  }

  // Every key paid so far, again with the same content, answers its first result, and with
  // other content a conflict; neither adds an entry.
  void expect_all_remembered() {
    auto size = reader_->log_size().value();
    for (const Paid& p : paid_) {
      auto again = submit(make_transfer(p.key, cash_, savings_, p.amount));
      ASSERT_TRUE(again) << p.key << ": " << again.error().detail;
      EXPECT_TRUE(again.value().replayed) << p.key;
      EXPECT_EQ(again.value(), p.first) << p.key;
      EXPECT_REFUSED(submit(make_transfer(p.key, cash_, savings_, p.amount + 1)),
                     Errc::idempotency_conflict);
    }
    EXPECT_EQ(reader_->log_size().value(), size);
  }

  struct Paid {
    std::string key;
    Minor amount;
    Applied first;
  };
  std::vector<Paid> paid_;
  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(IdempotencyIndexTest, EveryKeyIsInMemoryAndNoTableIsKeptByHash) {
  for (int i = 0; i < 10; ++i) pay("pay-" + std::to_string(i), 10 + i);
  EXPECT_EQ(writer_->stats().idempotency_keys_in_memory, 10U);
  EXPECT_GT(writer_->stats().idempotency_index_bytes, 10U * 16);
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_schema WHERE name IN ('idempotency_keys',"
                  " 'idempotency_runs', 'idempotency_by_key_hash')"),
            0);
  expect_all_remembered();
  EXPECT_EQ(balance(cash_), 10 * 10 + 45);
}

TEST_F(IdempotencyIndexTest, ARestartedWriterFindsEveryKey) {
  for (int i = 0; i < 6; ++i) pay("pay-" + std::to_string(i), 10 + i);
  writer_->stop();
  start_writer();
  EXPECT_EQ(writer_->stats().idempotency_keys_in_memory, 6U);
  expect_all_remembered();
  pay("pay-6", 16);  // and a new key is new
}

TEST_F(IdempotencyIndexTest, KeysOfARolledBackGroupAreFoundNowhere) {
  // The group's first command writes its key's row, the second is refused: both roll back, and
  // the next insert takes the row id the first key had held.
  auto results = writer_
                     ->submit_atomic({make_transfer("group-a", cash_, savings_, 10),
                                      make_transfer("group-b", savings_, cash_, 1'000'000)})
                     .get();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_REFUSED(results[0], Errc::batch_rolled_back);
  EXPECT_REFUSED(results[1], Errc::insufficient_funds);
  Applied other = pay("other", 5);
  // Retried alone, group-a is new: its rolled-back id now holds another key.
  Applied a = pay("group-a", 10);
  EXPECT_NE(a, other);
  for (int i = 0; i < 4; ++i) pay("more-" + std::to_string(i), 1);
  expect_all_remembered();
  writer_->stop();  // and loaded from the rows, the index holds no id of the rolled-back row
  start_writer();
  expect_all_remembered();
  EXPECT_EQ(count("SELECT count(*) FROM idempotency WHERE key = 'group-a'"), 1);
}

TEST_F(IdempotencyIndexTest, ALedgerFromBeforeTheIndexWasInMemoryKeepsItsKeys) {
  for (int i = 0; i < 3; ++i) pay("pay-" + std::to_string(i), 10 + i);
  writer_->stop();
  {
    // Back to schema 8 as that release left it: its key-hash index; migrated through schema 9's
    // runs to schema 14.
    auto db = Database::open(db_path(), Database::Mode::read_write);
    ASSERT_TRUE(db) << db.error().detail;
    ASSERT_NO_FATAL_FAILURE(undo_schemas_down_to(db.value(), 8));
    auto migrated = migrate(db.value());
    ASSERT_TRUE(migrated) << migrated.error().detail;
  }
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_schema WHERE name IN ('idempotency_keys',"
                  " 'idempotency_runs', 'idempotency_by_key_hash')"),
            0);
  start_writer();
  expect_all_remembered();
}

}  // namespace
}  // namespace pardner::ledger::testing
