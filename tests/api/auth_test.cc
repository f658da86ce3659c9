// Bearer tokens, hashing, the in-memory store, and roles.
#include "api/auth.h"

#include <gtest/gtest.h>

#include "api/limits.h"

namespace pardner::api {
namespace {

Request bearing(std::string authorization) {
  Request request;
  request.authorization = std::move(authorization);
  return request;
}

TEST(Auth, HashesTokensWithSha256Hex) {
  // FIPS 180-4 example: SHA-256("abc").
  EXPECT_EQ(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(is_token_hash_hex(hash_token("anything")));
  EXPECT_FALSE(is_token_hash_hex(std::string(64, 'A')));
  EXPECT_FALSE(is_token_hash_hex(std::string(63, 'a')));
}

TEST(Auth, FindsThePrincipalByTokenHash) {
  InMemoryTokenStore store;
  store.add(hash_token("tok-admin"), Principal{.role = Role::admin});
  store.add(hash_token("tok-member"), Principal{.role = Role::member, .member = 7});
  auto admin = authenticate(bearing("Bearer tok-admin"), store);
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin.value().role, Role::admin);
  auto member = authenticate(bearing("bearer tok-member"), store);  // scheme is case-insensitive
  ASSERT_TRUE(member);
  EXPECT_EQ(member.value().member, 7);
  EXPECT_EQ(store.find("short").value(), std::nullopt);
}

TEST(Auth, RefusesMissingMalformedAndUnknownTokens) {
  InMemoryTokenStore store;
  store.add(hash_token("tok"), Principal{.role = Role::auditor});
  for (std::string header : {"", "Bearer", "Bearer ", "Basic dG9rOnB3", "Bearer tok extra",
                             "Bearer  tok", "Bearer t=k", "Bearer tok\x01", "Bearer other"}) {
    auto refused = authenticate(bearing(header), store);
    ASSERT_FALSE(refused) << header;
    EXPECT_EQ(refused.error().status, 401);
    EXPECT_EQ(refused.error().code, "unauthorized");
    ASSERT_EQ(refused.error().headers.size(), 1u);
    EXPECT_EQ(refused.error().headers[0].first, "WWW-Authenticate");
  }
  EXPECT_TRUE(authenticate(bearing("Bearer tok"), store));
}

TEST(Auth, AcceptsEveryB64TokenCharacterAndTrailingEquals) {
  EXPECT_TRUE(bearer_token("Bearer AZaz09-._~+/=="));
  EXPECT_FALSE(bearer_token("Bearer =abc"));
  EXPECT_FALSE(bearer_token("Bearer ab=c"));
}

TEST(Auth, TokenBytesMaxAtTheLimitAndOnePast) {
  std::string at(token_bytes_max, 'a');
  InMemoryTokenStore store;
  store.add(hash_token(at), Principal{.role = Role::auditor});
  EXPECT_TRUE(authenticate(bearing("Bearer " + at), store));
  auto past = bearer_token("Bearer " + at + "a");
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().detail.find("longer than"), std::string::npos);
}

TEST(Auth, RoleSetsAndNames) {
  constexpr Roles readers{Role::auditor, Role::admin};
  EXPECT_TRUE(readers.contains(Role::admin));
  EXPECT_FALSE(readers.contains(Role::member));
  EXPECT_FALSE(readers.is_public());
  EXPECT_TRUE(Roles{}.is_public());
  EXPECT_EQ(readers.list(), (std::vector<Role>{Role::admin, Role::auditor}));
  for (Role role : {Role::admin, Role::member, Role::auditor}) {
    EXPECT_EQ(ledger::role_from(wire_name(role)), role);
  }
}

TEST(AuthDeathTest, AMemberPrincipalNeedsAMemberId) {
  InMemoryTokenStore store;
  EXPECT_DEATH(store.add(hash_token("x"), Principal{.role = Role::member}), "");
}

}  // namespace
}  // namespace pardner::api
