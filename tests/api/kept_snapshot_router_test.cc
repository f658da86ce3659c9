// The router with kept snapshots (Services::keep_snapshots), as on an I/O thread that never runs
// out of work: the reader's snapshot is never ended between requests, so only the writer's
// snapshot epoch decides when a request sees a newer state. Whatever the writer has answered, the
// next request sees: a transfer, a new token (also where a token is checked before a large body
// is read), a revoked one.
#include <map>

#include "api/auth.h"
#include "crypto/access_token.h"
#include "ledger/access_tokens.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

class KeptSnapshotRouter : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // Tokens from the ledger, read through the request's snapshot as in the server.
    admin_ = make_token(ledger::Role::admin, std::nullopt);
    services_.tokens = &ledger_tokens_;
    services_.keep_snapshots = true;
  }

  std::string make_token(ledger::Role role, std::optional<ledger::MemberId> member) {
    std::string token = crypto::generate_access_token();
    auto made = writer_->submit_and_wait(ledger::CreateAccessToken{
        .token_hash = crypto::access_token_hash(token), .role = role, .member = member});
    EXPECT_TRUE(made);
    token_ids_[token] = made ? made.value().id : 0;
    return token;
  }

  std::int64_t savings1_balance() {
    Response read = get("/v1/accounts/" + std::to_string(savings1_), admin_);
    EXPECT_EQ(read.status, 200) << read.body;
    EXPECT_TRUE(reader_->keeps_snapshot());
    return read.status == 200 ? json_of(read).at("balance").as_int64() : -1;
  }

  Request batch_headers(const std::string& token) {
    Request headers = make_request("POST", "/v1/transactions/batch");
    headers.authorization = "Bearer " + token;
    return headers;
  }

  LedgerTokenStore ledger_tokens_{[this]() -> ledger::Reader& { return *reader_; }};
  std::string admin_;
  std::map<std::string, std::int64_t> token_ids_;
};

TEST_F(KeptSnapshotRouter, ATransferAnsweredElsewhereIsSeenByTheNextRequest) {
  ASSERT_EQ(savings1_balance(), 5000);
  ASSERT_EQ(savings1_balance(), 5000);  // the same snapshot, kept
  // Answered on another connection's thread: nothing ends this thread's snapshot but the epoch.
  must(ledger::make_transfer("elsewhere-1", cash_, savings1_, 25));
  EXPECT_EQ(savings1_balance(), 5025);
  // And one answered through this router.
  Response posted = post("/v1/transactions",
                         R"({"debit_account":)" + std::to_string(cash_) + R"(,"credit_account":)" +
                             std::to_string(savings1_) + R"(,"amount":5})",
                         admin_, "here-1");
  ASSERT_EQ(posted.status, 201) << posted.body;
  EXPECT_EQ(savings1_balance(), 5030);
}

TEST_F(KeptSnapshotRouter, ANewTokenIsKnownAndARevokedOneRefusedAtOnce) {
  ASSERT_EQ(savings1_balance(), 5000);  // a snapshot from before the token, kept
  const std::string member = make_token(ledger::Role::member, member1_);
  EXPECT_EQ(get("/v1/accounts/" + std::to_string(savings1_), member).status, 200);
  ASSERT_EQ(savings1_balance(), 5000);
  // Checked before a batch's body is read: known, and refused for its role, not as unknown.
  const std::string auditor = make_token(ledger::Role::auditor, std::nullopt);
  auto before_body = router_.refuse_before_body(batch_headers(auditor), services_);
  ASSERT_TRUE(before_body);
  EXPECT_EQ(before_body->status, 403) << before_body->detail;
  const std::string admin2 = make_token(ledger::Role::admin, std::nullopt);
  EXPECT_FALSE(router_.refuse_before_body(batch_headers(admin2), services_));

  ASSERT_EQ(savings1_balance(), 5000);
  must(ledger::RevokeAccessToken{.token = token_ids_.at(member)});
  EXPECT_EQ(get("/v1/accounts/" + std::to_string(savings1_), member).status, 401);
  must(ledger::RevokeAccessToken{.token = token_ids_.at(admin2)});
  auto revoked = router_.refuse_before_body(batch_headers(admin2), services_);
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 401);
}

}  // namespace
}  // namespace pardner::api::testing
