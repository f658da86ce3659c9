// The token store over the ledger's access_tokens table: created through the writer, found by
// hash through a Reader, gone once revoked; and the server's routes authenticating with it.
#include <gtest/gtest.h>

#include "crypto/access_token.h"
#include "crypto/secure_file.h"
#include "ledger/ledger_files.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

class LedgerTokens : public ApiTest {
 protected:
  std::string create(Role role, std::optional<ledger::MemberId> member) {
    std::string token = crypto::generate_access_token();
    ids_.push_back(must(ledger::CreateAccessToken{.token_hash = crypto::access_token_hash(token),
                                                  .role = role,
                                                  .member = member,
                                                  .label = "test"})
                       .id);
    return token;
  }

  LedgerTokenStore store_{[this]() -> ledger::Reader& { return *reader_; }};
  std::vector<std::int64_t> ids_;
};

TEST_F(LedgerTokens, FindsALiveTokenByItsHash) {
  std::string token = create(Role::member, member1_);
  auto found = store_.find(hash_token(token));
  ASSERT_TRUE(found);
  ASSERT_TRUE(found.value());
  EXPECT_EQ(found.value()->role, Role::member);
  EXPECT_EQ(found.value()->member, member1_);
  EXPECT_EQ(found.value()->token_id, ids_.back());
}

TEST_F(LedgerTokens, UnknownMalformedAndRevokedTokensAreNotFound) {
  std::string token = create(Role::auditor, std::nullopt);
  EXPECT_EQ(store_.find(hash_token("pdn_not-a-token")).value(), std::nullopt);
  EXPECT_EQ(store_.find("not hex").value(), std::nullopt);
  // Found first: whatever a store remembers, a revocation takes effect at once.
  ASSERT_TRUE(store_.find(hash_token(token)).value());
  must(ledger::RevokeAccessToken{.token = ids_.back()});
  EXPECT_EQ(store_.find(hash_token(token)).value(), std::nullopt);
}

TEST_F(LedgerTokens, TheFirstAdminTokenFromInitAuthenticates) {
  auto admin = crypto::read_small_file(ledger::admin_token_path(dir_.path()), 1024);
  ASSERT_TRUE(admin);
  std::string token = admin.value();
  while (!token.empty() && token.back() == '\n') token.pop_back();
  services_.tokens = &store_;
  EXPECT_EQ(get("/v1/log/entries", token).status, 200);
  EXPECT_EQ(get("/v1/log/entries", member1_token).status, 401);  // only in the in-memory store
  std::string member_token = create(Role::member, member2_);
  EXPECT_EQ(get("/v1/log/entries", member_token).body.find("\"seq\":0"), std::string::npos);
}

}  // namespace
}  // namespace pardner::api::testing
