#include "crypto/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "crypto/base64.h"

namespace pardner::crypto {
namespace {

// Known answers from FIPS 180-4's examples (NIST CSRC "SHA256.pdf") and the empty string.
constexpr std::string_view empty_digest =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view abc_digest =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view two_block_message =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr std::string_view two_block_digest =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

TEST(Sha256, HashesTheEmptyString) {
  EXPECT_EQ(hex_encode(sha256(std::string_view{})), empty_digest);
  EXPECT_EQ(hex_encode(sha256(std::span<const std::uint8_t>{})), empty_digest);
}

TEST(Sha256, HashesAbc) { EXPECT_EQ(hex_encode(sha256("abc")), abc_digest); }

TEST(Sha256, HashesAMessageLongerThanOneBlock) {
  EXPECT_EQ(hex_encode(sha256(two_block_message)), two_block_digest);
}

TEST(Sha256, IncrementalUpdatesEqualTheOneShotDigest) {
  Sha256 hasher;
  hasher.update("ab");
  hasher.update("");
  hasher.update("c");
  EXPECT_EQ(hex_encode(hasher.finish()), abc_digest);
}

TEST(Sha256, FinishStartsOverSoTheContextIsReused) {
  Sha256 hasher;
  hasher.update("abc");
  EXPECT_EQ(hex_encode(hasher.finish()), abc_digest);
  EXPECT_EQ(hex_encode(hasher.finish()), empty_digest);
  hasher.update(two_block_message);
  EXPECT_EQ(hex_encode(hasher.finish()), two_block_digest);
}

TEST(Sha256, OneShotDigestsAgreeAcrossThreads) {
  std::string from_thread;
  std::thread worker([&] { from_thread = hex_encode(sha256("abc")); });
  worker.join();
  EXPECT_EQ(from_thread, abc_digest);
  EXPECT_EQ(hex_encode(sha256("abc")), abc_digest);
}

TEST(Sha256, HashesAMillionAs) {
  // FIPS 180-4 example: one million repetitions of 'a', fed in uneven pieces.
  Sha256 hasher;
  const std::string piece(999, 'a');
  std::size_t fed = 0;
  while (fed + piece.size() <= 1000000) {
    hasher.update(piece);
    fed += piece.size();
  }
  hasher.update(std::string(1000000 - fed, 'a'));
  EXPECT_EQ(hex_encode(hasher.finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace pardner::crypto
