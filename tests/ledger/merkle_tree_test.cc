// The Merkle tree's nodes in-order (schema/0010_merkle_tree_in_order.sql): every node is stored
// at idx * 2^(level+1) + 2^level - 1, so a batch's new nodes sit at the table's right edge; the
// reader's cache loads its levels through the partial index; and a ledger made before schema 10
// keeps every node, root and proof when migrated, and passes the integrity check.
#include <string>
#include <vector>

#include "ledger/integrity_check.h"
#include "ledger/merkle_store.h"
#include "ledger/migrations.h"
#include "ledger/sqlite.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/undo_migrations.h"

namespace pardner::ledger::testing {
namespace {

class MerkleTree : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability);
  }

  // `count` transfers in batches of `batch`.
  void grow(int count, int batch) {
    for (int done = 0; done < count;) {
      std::vector<Command> group;
      for (int i = 0; i < batch && done < count; ++i, ++done) {
        group.push_back(make_transfer(next_key(), cash_, savings_, 100 + done));
      }
      for (auto& applied : writer_->submit_all(std::move(group))) ASSERT_TRUE(applied.get());
    }
  }

  Database file() {
    auto db = Database::open(db_path(), Database::Mode::read_write);
    EXPECT_TRUE(db) << db.error().detail;
    return std::move(db).value();
  }

  // Every node as "level idx hash", in (level, idx) order, however it is stored.
  static std::vector<std::string> nodes(Database& db, const char* table) {
    std::vector<std::string> out;
    auto query = db.prepare(std::string("SELECT level, idx, hex(hash) FROM ") + table +
                            " ORDER BY level, idx");
    EXPECT_TRUE(query) << query.error().detail;
    while (query && query.value().step().value()) {
      out.push_back(std::to_string(query.value().column_int(0)) + " " +
                    std::to_string(query.value().column_int(1)) + " " +
                    std::string(query.value().column_text(2)));
    }
    return out;
  }

  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(MerkleTree, EveryNodeIsStoredAtItsInOrderPosition) {
  grow(300, 13);
  auto db = file();
  auto query = db.prepare("SELECT position, level, idx FROM merkle_tree ORDER BY position").value();
  std::int64_t leaves = 0, previous = -1;
  while (query.step().value()) {
    const std::int64_t position = query.column_int(0), level = query.column_int(1),
                       idx = query.column_int(2);
    ASSERT_EQ(position, (idx << (level + 1)) + (std::int64_t{1} << level) - 1)
        << "level " << level << " idx " << idx;
    ASSERT_GT(position, previous);
    previous = position;
    if (level == 0) ++leaves;
  }
  const auto size = static_cast<std::int64_t>(reader_->log_size().value());
  EXPECT_EQ(leaves, size);
  EXPECT_EQ(previous, 2 * (size - 1));  // the newest leaf is the rightmost node
  EXPECT_EQ(merkle_size(db).value(), static_cast<std::uint64_t>(size));
  // A node in the wrong place is refused by the table itself.
  EXPECT_FALSE(
      db.exec("INSERT INTO merkle_tree (position, level, idx, hash)"
              " VALUES (1000001, 0, 500000, zeroblob(32))"));
}

TEST_F(MerkleTree, TheCacheLoadsItsLevelsThroughThePartialIndex) {
  auto db = file();
  // The cache's own statement, as ledger/merkle_store.cc writes it.
  auto plan = db.prepare(
                    "EXPLAIN QUERY PLAN SELECT idx, hash FROM merkle_tree WHERE level = ?"
                    " AND level >= 6 AND idx >= ? ORDER BY idx")
                  .value();
  std::string detail;
  while (plan.step().value()) detail += std::string(plan.column_text(3)) + "\n";
  EXPECT_NE(detail.find("COVERING INDEX merkle_tree_upper_levels"), std::string::npos) << detail;
}

TEST_F(MerkleTree, ALedgerFromBeforeSchemaTenKeepsEveryNodeRootAndProof) {
  grow(700, 9);
  const auto n = static_cast<std::uint64_t>(reader_->log_size().value());
  std::vector<std::vector<crypto::Hash>> proofs;
  for (std::uint64_t seq = 0; seq < n; seq += 37) {
    proofs.push_back(reader_->inclusion_proof(static_cast<Seq>(seq), n).value());
  }
  writer_->stop();
  reader_.reset();
  std::vector<std::string> before;
  {
    // Back to schema 9 as that release left it: the nodes keyed by (level, idx).
    auto db = file();
    before = nodes(db, "merkle_tree");
    ASSERT_NO_FATAL_FAILURE(undo_schemas_down_to(db, 9));
    ASSERT_EQ(nodes(db, "merkle_nodes"), before);
    auto migrated = migrate(db);
    ASSERT_TRUE(migrated) << migrated.error().detail;
    EXPECT_EQ(nodes(db, "merkle_tree"), before);
    EXPECT_EQ(merkle_size(db).value(), n);
  }
  auto report = check_ledger_integrity(dir_.path());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().intact()) << report.value().problems.front();
  start_writer();
  std::size_t i = 0;
  for (std::uint64_t seq = 0; seq < n; seq += 37, ++i) {
    EXPECT_EQ(reader_->inclusion_proof(static_cast<Seq>(seq), n).value(), proofs[i]) << seq;
  }
  grow(50, 9);  // and the migrated tree grows on
  report = check_ledger_integrity(dir_.path());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().intact()) << report.value().problems.front();
}

}  // namespace
}  // namespace pardner::ledger::testing
