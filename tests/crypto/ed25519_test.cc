#include "crypto/ed25519.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/base64.h"

namespace pardner::crypto {
namespace {

std::vector<std::uint8_t> from_hex(std::string_view hex) { return hex_decode(hex).value(); }

struct Rfc8032Vector {
  const char* name;
  const char* secret_key;  // the 32-byte seed
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1, tests 1, 2, 3 and SHA(abc), copied from the RFC text.
const Rfc8032Vector rfc8032_vectors[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

TEST(Ed25519, ReproducesRfc8032Section71Vectors) {
  for (const Rfc8032Vector& vector : rfc8032_vectors) {
    SCOPED_TRACE(vector.name);
    auto key = SigningKey::from_seed_bytes(from_hex(vector.secret_key));
    ASSERT_TRUE(key);
    EXPECT_EQ(hex_encode(key.value().public_key().bytes()), vector.public_key);
    const std::vector<std::uint8_t> message = from_hex(vector.message);
    const Signature signature = key.value().sign(message);
    EXPECT_EQ(hex_encode(signature), vector.signature);
    auto public_key = PublicKey::from_bytes(from_hex(vector.public_key));
    ASSERT_TRUE(public_key);
    EXPECT_TRUE(verify(public_key.value(), message, signature));
  }
}

TEST(Ed25519, RefusesATamperedSignatureMessageOrKey) {
  const SigningKey key = SigningKey::generate();
  const std::string message = "pay 100 to account 7";
  const Signature signature = key.sign(message);
  ASSERT_TRUE(verify(key.public_key(), message, signature));

  Signature flipped = signature;
  flipped[10] ^= 0x01;
  auto bad_signature = verify(key.public_key(), message, flipped);
  ASSERT_FALSE(bad_signature);
  EXPECT_EQ(bad_signature.error().code, CryptoErrc::bad_signature);

  auto bad_message = verify(key.public_key(), "pay 900 to account 7", signature);
  ASSERT_FALSE(bad_message);
  EXPECT_EQ(bad_message.error().code, CryptoErrc::bad_signature);

  auto other_key = verify(SigningKey::generate().public_key(), message, signature);
  ASSERT_FALSE(other_key);
  EXPECT_EQ(other_key.error().code, CryptoErrc::bad_signature);
}

TEST(Ed25519, GeneratedKeysDifferAndRoundTripThroughTheirSeed) {
  const SigningKey first = SigningKey::generate();
  const SigningKey second = SigningKey::generate();
  EXPECT_NE(first.seed(), second.seed());
  const SigningKey again = SigningKey::from_seed(first.seed());
  EXPECT_EQ(again.public_key(), first.public_key());
  EXPECT_EQ(again.sign("x"), first.sign("x"));  // Ed25519 signing is deterministic
}

TEST(Ed25519, RefusesKeysAndSignaturesOfTheWrongLength) {
  const std::vector<std::uint8_t> short_bytes(31, 1);
  const std::vector<std::uint8_t> long_bytes(33, 1);
  for (const auto* bytes : {&short_bytes, &long_bytes}) {
    auto seed = SigningKey::from_seed_bytes(*bytes);
    ASSERT_FALSE(seed);
    EXPECT_EQ(seed.error().code, CryptoErrc::malformed_key);
    auto public_key = PublicKey::from_bytes(*bytes);
    ASSERT_FALSE(public_key);
    EXPECT_EQ(public_key.error().code, CryptoErrc::malformed_key);
  }
  auto signature = signature_from_bytes(std::vector<std::uint8_t>(63, 0));
  ASSERT_FALSE(signature);
  EXPECT_EQ(signature.error().code, CryptoErrc::bad_signature);
  EXPECT_TRUE(signature_from_bytes(std::vector<std::uint8_t>(64, 0)));
}

}  // namespace
}  // namespace pardner::crypto
