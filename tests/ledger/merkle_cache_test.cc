// The reader's cache of the Merkle tree's upper levels: proofs through it equal proofs read
// straight from the table, for every entry, before and after the log grows past what it loaded,
// and it stops at its bound.
#include "crypto/merkle.h"
#include "ledger/limits.h"
#include "ledger/merkle_store.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class MerkleCache : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability);
  }

  // `count` transfers, a checkpoint after each group of 7 (one writer batch per group).
  void grow(int count) {
    for (int done = 0; done < count;) {
      std::vector<Command> group;
      for (int i = 0; i < 7 && done < count; ++i, ++done) {
        group.push_back(make_transfer(next_key(), cash_, savings_, 100 + done));
      }
      for (auto& applied : writer_->submit_all(std::move(group))) ASSERT_TRUE(applied.get());
    }
  }

  std::uint64_t size() { return static_cast<std::uint64_t>(reader_->log_size().value()); }

  // Every entry's inclusion proof and consistency proofs from a spread of sizes, through the
  // reader (cached) and from the table alone.
  void expect_same_proofs() {
    const std::uint64_t n = size();
    auto db = Database::open(db_path(), Database::Mode::read_only).value();
    for (std::uint64_t seq = 0; seq < n; ++seq) {
      auto cached = reader_->inclusion_proof(static_cast<Seq>(seq), n);
      auto direct = merkle_inclusion_proof(db, seq, n);
      ASSERT_TRUE(cached) << cached.error().detail;
      ASSERT_TRUE(direct) << direct.error().detail;
      ASSERT_EQ(cached.value(), direct.value()) << "seq " << seq << " of " << n;
    }
    for (std::uint64_t from = 2; from < n; from += 29) {
      auto cached = reader_->consistency_proof(from, n);
      if (!cached) continue;  // not a checkpointed size
      ASSERT_EQ(cached.value(), merkle_consistency_proof(db, from, n).value()) << from;
    }
  }

  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(MerkleCache, ProofsThroughTheCacheEqualProofsFromTheTable) {
  grow(700);  // levels 6 to 9 have nodes: 702 leaves
  expect_same_proofs();
  grow(333);  // past what the cache loaded: each level is extended from where it ended
  expect_same_proofs();
}

TEST_F(MerkleCache, LoadsEveryStoredNodeOfALevelInOneScan) {
  grow(600);
  auto db = Database::open(db_path(), Database::Mode::read_only).value();
  MerkleNodeCache cache;
  const std::uint64_t n = size();
  auto proof = merkle_inclusion_proof(db, 5, n, &cache);
  ASSERT_TRUE(proof);
  EXPECT_EQ(proof.value(), merkle_inclusion_proof(db, 5, n).value());
  EXPECT_EQ(cache.cached(merkle_cached_level_min), n >> merkle_cached_level_min);
  EXPECT_EQ(cache.cached(merkle_cached_level_min - 1), 0u);  // below the cached levels
  ASSERT_NE(cache.find(merkle_cached_level_min, 1), nullptr);
  SqliteNodeSource table(db);
  EXPECT_EQ(*cache.find(merkle_cached_level_min, 1), table.node(merkle_cached_level_min, 1));
}

TEST_F(MerkleCache, LoadingItBeforeTheFirstProofLoadsEveryCachedLevel) {
  grow(700);
  const std::uint64_t n = size();
  std::size_t stored = 0;  // nodes at the cached levels: n / 2^level each
  for (unsigned level = merkle_cached_level_min; (n >> level) > 0; ++level) stored += n >> level;
  EXPECT_EQ(reader_->proof_cache_nodes(), 0u);
  ASSERT_TRUE(reader_->load_proof_cache());
  EXPECT_EQ(reader_->proof_cache_nodes(), stored);
  expect_same_proofs();
  EXPECT_EQ(reader_->proof_cache_nodes(), stored);  // nothing was left to load
}

TEST(MerkleNodeCacheBound, StopsAddingAtItsLimit) {
  MerkleNodeCache cache;
  crypto::Hash hash{};
  for (std::size_t i = 0; i < merkle_cached_nodes_max; ++i) {
    hash[0] = static_cast<std::uint8_t>(i);
    ASSERT_TRUE(cache.add(merkle_cached_level_min, hash));
  }
  EXPECT_FALSE(cache.add(merkle_cached_level_min, hash));
  EXPECT_FALSE(cache.add(merkle_cached_level_min + 1, hash));
  EXPECT_EQ(cache.size(), merkle_cached_nodes_max);
  EXPECT_EQ(cache.cached(merkle_cached_level_min), merkle_cached_nodes_max);
}

}  // namespace
}  // namespace pardner::ledger::testing
