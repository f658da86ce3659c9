#include "crypto/access_token.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/base64.h"

namespace pardner::crypto {
namespace {

TEST(AccessToken, IsPrefixedBase64urlOf32RandomBytesAndNeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto token = generate_access_token();
    EXPECT_TRUE(is_access_token_shaped(token)) << token;
    EXPECT_TRUE(seen.insert(token).second);
  }
}

TEST(AccessToken, ShapeCheckRefusesAnythingElse) {
  auto token = generate_access_token();
  EXPECT_FALSE(is_access_token_shaped(token.substr(1)));
  EXPECT_FALSE(is_access_token_shaped(token + "A"));
  EXPECT_FALSE(is_access_token_shaped("xyz_" + token.substr(4)));
  std::string with_plus = token;
  with_plus[10] = '+';
  EXPECT_FALSE(is_access_token_shaped(with_plus));
}

TEST(AccessToken, HashIsSha256OfTheTokenText) {
  EXPECT_EQ(hex_encode(access_token_hash("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace pardner::crypto
