// Access tokens a reader remembers between requests (Reader::access_token) and the writer's
// access-tokens generation that says when they must be forgotten: a token revoked, once the
// revocation is answered, is never served from memory.
#include <future>

#include "crypto/access_token.h"
#include "ledger/ledger_files.h"
#include "ledger/sqlite.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger {
namespace {

class RememberedTokens : public testing::LedgerTest {
 protected:
  void SetUp() override {
    testing::LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:savings", AccountType::liability);
    hash_ = crypto::access_token_hash("pdn_remembered-token");
    auto created = submit(CreateAccessToken{
        .idempotency_key = next_key(), .token_hash = hash_, .role = Role::auditor, .label = ""});
    ASSERT_TRUE(created) << created.error().detail;
    token_id_ = created.value().id;
  }

  // A request that only authenticates, under the writer's marks as the router reads them.
  Result<Principal> authenticate(const crypto::Hash& hash) {
    const SnapshotMarks marks = writer_->snapshot_marks();
    EXPECT_TRUE(reader_->enter_request(marks));
    auto principal = reader_->access_token(hash);
    reader_->leave_request(writer_->snapshot_epoch());
    return principal;
  }

  AccountId cash_ = 0, savings_ = 0;
  crypto::Hash hash_{};
  std::int64_t token_id_ = 0;
};

TEST_F(RememberedTokens, AreKeptAcrossCommitsThatChangeNoTokenAndForgottenWhenOneChanges) {
  auto first = authenticate(hash_);
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(first.value().token_id, token_id_);
  EXPECT_EQ(reader_->remembered_access_tokens(), 1u);

  // A transfer moves the epoch, not the generation: the token stays remembered.
  const std::uint64_t generation = writer_->access_tokens_generation();
  ASSERT_TRUE(transfer(cash_, savings_, 10));
  EXPECT_EQ(writer_->access_tokens_generation(), generation);
  ASSERT_TRUE(authenticate(hash_));
  EXPECT_EQ(reader_->remembered_access_tokens(), 1u);

  // Revoked and answered: the very next request refuses it.
  ASSERT_TRUE(submit(RevokeAccessToken{.idempotency_key = next_key(), .token = token_id_}));
  EXPECT_GT(writer_->access_tokens_generation(), generation);
  auto revoked = authenticate(hash_);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code, Errc::not_found);
  EXPECT_EQ(reader_->remembered_access_tokens(), 0u);
}

TEST_F(RememberedTokens, ANewTokenIsFoundAtOnce) {
  ASSERT_TRUE(authenticate(hash_));
  const crypto::Hash newer = crypto::access_token_hash("pdn_newer-token");
  EXPECT_FALSE(authenticate(newer));  // unknown, and not remembered as unknown
  EXPECT_EQ(reader_->remembered_access_tokens(), 1u);
  ASSERT_TRUE(submit(CreateAccessToken{
      .idempotency_key = next_key(), .token_hash = newer, .role = Role::admin, .label = ""}));
  auto found = authenticate(newer);
  ASSERT_TRUE(found) << found.error().detail;
  EXPECT_EQ(found.value().role, Role::admin);
}

TEST_F(RememberedTokens, NothingIsRememberedUnderAnOddEpochOrWithoutMarks) {
  SnapshotMarks marks = writer_->snapshot_marks();
  ASSERT_EQ(marks.epoch % 2, 0u);
  marks.epoch += 1;  // a commit in flight
  ASSERT_TRUE(reader_->enter_request(marks));
  ASSERT_TRUE(reader_->access_token(hash_));
  reader_->leave_request(marks.epoch);
  EXPECT_EQ(reader_->remembered_access_tokens(), 0u);

  ASSERT_TRUE(reader_->enter_request(writer_->snapshot_epoch()));  // the epoch alone
  ASSERT_TRUE(reader_->access_token(hash_));
  reader_->leave_request(writer_->snapshot_epoch());
  EXPECT_EQ(reader_->remembered_access_tokens(), 0u);

  ASSERT_TRUE(reader_->access_token(hash_));  // outside any request
  EXPECT_EQ(reader_->remembered_access_tokens(), 0u);
}

TEST_F(RememberedTokens, ARememberedTokenIsAnsweredFromMemoryUntilTheGenerationMoves) {
  ASSERT_TRUE(authenticate(hash_));
  ASSERT_EQ(reader_->remembered_access_tokens(), 1u);
  // Revoked behind the writer's back (nothing but the writer may change a token while a server
  // runs): SQLite now refuses the token, so only memory can still answer it.
  auto db = Database::open(database_path(dir_.path()), Database::Mode::read_write);
  ASSERT_TRUE(db) << db.error().detail;
  ASSERT_TRUE(db.value().exec("UPDATE access_tokens SET revoked_us = 1 WHERE id = " +
                              std::to_string(token_id_)));

  // Under the same generation it is answered from memory, even under an odd epoch, where
  // nothing new would be remembered.
  SnapshotMarks marks = writer_->snapshot_marks();
  marks.epoch += 1;
  ASSERT_TRUE(reader_->enter_request(marks));
  auto remembered = reader_->access_token(hash_);
  reader_->leave_request(marks.epoch);
  ASSERT_TRUE(remembered);
  EXPECT_EQ(remembered.value().token_id, token_id_);

  // Once the generation moves, it is looked up again.
  marks.access_tokens += 1;
  ASSERT_TRUE(reader_->enter_request(marks));
  auto looked_up = reader_->access_token(hash_);
  reader_->leave_request(marks.epoch);
  ASSERT_FALSE(looked_up);
  EXPECT_EQ(looked_up.error().code, Errc::not_found);
}

TEST_F(RememberedTokens, TheGenerationMovesBeforeTheRevocationIsAnswered) {
  const SnapshotMarks before = writer_->snapshot_marks();
  std::promise<SnapshotMarks> seen;
  writer_->submit(RevokeAccessToken{.idempotency_key = next_key(), .token = token_id_},
                  [this, &seen](Result<Applied> done) {
                    EXPECT_TRUE(done);
                    seen.set_value(writer_->snapshot_marks());
                  });
  const SnapshotMarks at_answer = seen.get_future().get();
  EXPECT_GT(at_answer.access_tokens, before.access_tokens);
  EXPECT_GT(at_answer.epoch, before.epoch);
  EXPECT_EQ(at_answer.epoch % 2, 0u);
}

}  // namespace
}  // namespace pardner::ledger
