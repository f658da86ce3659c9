#include "crypto/crypto_error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pardner::crypto {
namespace {

TEST(CryptoError, EveryCodeHasADistinctWireNameEqualToItsEnumeratorName) {
  // Listed in declaration order; a new code must be added here and to wire_name.
  const std::pair<CryptoErrc, std::string_view> expected[] = {
      {CryptoErrc::malformed_encoding, "malformed_encoding"},
      {CryptoErrc::malformed_key, "malformed_key"},
      {CryptoErrc::malformed_note, "malformed_note"},
      {CryptoErrc::malformed_checkpoint, "malformed_checkpoint"},
      {CryptoErrc::malformed_proof, "malformed_proof"},
      {CryptoErrc::unknown_key, "unknown_key"},
      {CryptoErrc::bad_signature, "bad_signature"},
      {CryptoErrc::bad_proof, "bad_proof"},
      {CryptoErrc::too_large, "too_large"},
      {CryptoErrc::key_file_insecure, "key_file_insecure"},
      {CryptoErrc::io_failed, "io_failed"},
      {CryptoErrc::bad_passphrase, "bad_passphrase"},
      {CryptoErrc::passphrase_missing, "passphrase_missing"},
      {CryptoErrc::wrong_origin, "wrong_origin"},
  };
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(expected[i].first), i) << "codes are never reordered";
    EXPECT_EQ(wire_name(expected[i].first), expected[i].second);
    EXPECT_TRUE(seen.insert(wire_name(expected[i].first)).second);
  }
}

TEST(CryptoError, ResultCarriesTheCodeAndDetail) {
  CryptoResult<int> refused(CryptoError{CryptoErrc::too_large, "over the bound"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, CryptoErrc::too_large);
  EXPECT_EQ(refused.error().detail, "over the bound");
  CryptoResult<int> accepted(7);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted.value(), 7);
}

}  // namespace
}  // namespace pardner::crypto
