// Idempotency keys: the same key and content returns the first result without a new entry;
// different content is a conflict; a refusal is remembered, so it never turns into a yes. And
// the request fingerprint that decides "the same content", byte for byte.
#include <boost/json.hpp>
#include <limits>

#include "ledger/canonical_json.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

// The object form of a transaction's fingerprint, as ledger/commands.cc built it before it wrote
// the bytes directly: the reference the direct bytes must equal.
std::string fingerprint_as_object(const CreateTransaction& c) {
  auto decimal = [](std::int64_t n) { return boost::json::value(std::to_string(n)); };
  boost::json::array postings;
  for (const Posting& p : c.postings) {
    postings.push_back(
        boost::json::object{{"account", decimal(p.account)}, {"amount", decimal(p.amount)}});
  }
  boost::json::array metadata;
  for (const auto& [key, value] : c.metadata) {
    metadata.push_back(boost::json::array{boost::json::string(key), boost::json::string(value)});
  }
  boost::json::value value_date = nullptr;
  if (c.value_date) value_date = *c.value_date;
  return canonical_json(boost::json::object{
      {"command", "create_transaction"},
      {"postings", std::move(postings)},
      {"memo", c.memo},
      {"metadata", std::move(metadata)},
      {"value_date", value_date},
      {"pending", c.pending},
      {"timeout_seconds", c.timeout_seconds ? decimal(*c.timeout_seconds) : nullptr}});
}

TEST(RequestFingerprint, ATransactionsBytesAreTheCanonicalObjectsBytes) {
  // Pinned: stored request hashes are compared when a key is replayed, so these never change.
  auto transfer = make_transfer("k", 2, 1, 150, "rent");
  EXPECT_EQ(command_fingerprint(transfer),
            R"({"command":"create_transaction","memo":"rent","metadata":[],"pending":false,)"
            R"("postings":[{"account":"2","amount":"150"},{"account":"1","amount":"-150"}],)"
            R"("timeout_seconds":null,"value_date":null})");

  std::vector<CreateTransaction> cases;
  cases.push_back(transfer);
  auto full = make_transfer("k", 7, 9, json_amount_max, "quote \" backslash \\ tab \t nul");
  full.memo.push_back('\0');
  full.memo += "\x1f caf\xc3\xa9 \xf0\x9f\x98\x80 \xee\x80\x80";
  full.metadata = {{"z", "last"}, {"a", "first \n"}, {"\xc3\xa9", ""}};
  full.value_date = 20'000;
  full.pending = true;
  full.timeout_seconds = 3600;
  cases.push_back(full);
  CreateTransaction extremes;
  extremes.postings = {
      {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()},
      {-1, 0}};
  extremes.value_date = -json_amount_max;
  extremes.timeout_seconds = -5;
  cases.push_back(extremes);
  CreateTransaction empty;
  cases.push_back(empty);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(command_fingerprint(cases[i]), fingerprint_as_object(cases[i])) << "case " << i;
  }
}

class Idempotency : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset, Minor{0});
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
  }
  std::int64_t log_size() {
    auto size = reader_->log_size();
    EXPECT_TRUE(size);
    return size ? size.value() : -1;
  }
  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(Idempotency, ReplayReturnsTheFirstResultWithoutANewEntry) {
  auto first = submit(make_transfer("pay-1", cash_, savings_, 300));
  ASSERT_TRUE(first);
  auto size = log_size();
  auto again = submit(make_transfer("pay-1", cash_, savings_, 300));
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value(), first.value());
  EXPECT_TRUE(again.value().replayed);
  EXPECT_FALSE(first.value().replayed);
  EXPECT_EQ(log_size(), size);
  EXPECT_EQ(balance(cash_), 300);
}

TEST_F(Idempotency, SameKeyWithDifferentContentIsAConflict) {
  ASSERT_TRUE(submit(make_transfer("pay-1", cash_, savings_, 300)));
  EXPECT_REFUSED(submit(make_transfer("pay-1", cash_, savings_, 301)), Errc::idempotency_conflict);
  EXPECT_REFUSED(submit(make_transfer("pay-1", cash_, savings_, 300, "other memo")),
                 Errc::idempotency_conflict);
  EXPECT_EQ(balance(cash_), 300);
}

TEST_F(Idempotency, ARefusedCommandRetriedIsRefusedAgainEvenAfterFundsArrive) {
  // Withdrawal of 500 from savings with nothing in it: refused for the floor.
  EXPECT_REFUSED(submit(make_transfer("withdraw-1", savings_, cash_, 500)),
                 Errc::insufficient_funds);
  ASSERT_TRUE(submit(make_transfer("deposit-1", cash_, savings_, 1000)));
  // The same request again: the first answer stands, though it would now succeed.
  EXPECT_REFUSED(submit(make_transfer("withdraw-1", savings_, cash_, 500)),
                 Errc::insufficient_funds);
  EXPECT_EQ(balance(savings_), 1000);
  // A new key is a new request.
  EXPECT_TRUE(submit(make_transfer("withdraw-2", savings_, cash_, 500)));
}

TEST_F(Idempotency, RetriesInsideOneBatchApplyOnce) {
  std::vector<std::future<Result<Applied>>> futures;
  for (int i = 0; i < 50; ++i) {
    futures.push_back(writer_->submit(make_transfer("same-key", cash_, savings_, 10)));
  }
  std::optional<Applied> first;
  for (auto& future : futures) {
    auto outcome = future.get();
    ASSERT_TRUE(outcome);
    if (!first) first = outcome.value();
    EXPECT_EQ(outcome.value(), *first);
  }
  EXPECT_EQ(balance(cash_), 10);
}

TEST_F(Idempotency, KeysAreBoundedPrintableAscii) {
  std::string longest(idempotency_key_bytes_max, 'k');
  EXPECT_TRUE(submit(make_transfer(longest, cash_, savings_, 1)));
  EXPECT_REFUSED(submit(make_transfer(longest + "k", cash_, savings_, 1)), Errc::invalid_argument);
  EXPECT_REFUSED(submit(make_transfer("has space", cash_, savings_, 1)), Errc::invalid_argument);
  EXPECT_REFUSED(submit(make_transfer("caf\xC3\xA9", cash_, savings_, 1)), Errc::invalid_argument);
}

TEST_F(Idempotency, SurvivesARestartOfTheWriter) {
  auto first = submit(make_transfer("pay-1", cash_, savings_, 300));
  ASSERT_TRUE(first);
  writer_->stop();
  start_writer();
  auto again = submit(make_transfer("pay-1", cash_, savings_, 300));
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value(), first.value());
  EXPECT_EQ(balance(cash_), 300);
}

}  // namespace
}  // namespace pardner::ledger::testing
