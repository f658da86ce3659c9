#include "crypto/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pardner::crypto {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

std::string text_of(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

// RFC 4648 §10 test vectors.
TEST(Base64, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(base64_encode(bytes_of("")), "");
  EXPECT_EQ(base64_encode(bytes_of("f")), "Zg==");
  EXPECT_EQ(base64_encode(bytes_of("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(bytes_of("foo")), "Zm9v");
  EXPECT_EQ(base64_encode(bytes_of("foob")), "Zm9vYg==");
  EXPECT_EQ(base64_encode(bytes_of("fooba")), "Zm9vYmE=");
  EXPECT_EQ(base64_encode(bytes_of("foobar")), "Zm9vYmFy");
}

TEST(Base64, DecodesTheRfc4648Vectors) {
  for (std::string_view plain : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto decoded = base64_decode(base64_encode(bytes_of(plain)));
    ASSERT_TRUE(decoded) << plain;
    EXPECT_EQ(text_of(decoded.value()), plain);
  }
}

TEST(Base64, UsesTheStandardAlphabetWithPlusAndSlash) {
  const std::vector<std::uint8_t> high = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(base64_encode(high), "+/+/");
  auto decoded = base64_decode("+/+/");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded.value(), high);
}

TEST(Base64, RoundTripsEveryByteValueAndLength) {
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < 300; ++i) {
    auto decoded = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded.value(), bytes);
    auto as_string = base64_decode_bytes(base64_encode(bytes));
    ASSERT_TRUE(as_string);
    EXPECT_EQ(as_string.value(), std::string(bytes.begin(), bytes.end()));
    bytes.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  }
}

TEST(Base64, RefusesEverythingButTheCanonicalEncoding) {
  const char* refused[] = {
      "Zg=",           // length not a multiple of four
      "Zg",            // padding missing
      "Zm9v\n",        // line break
      "Zm 9v",         // space
      "Zm9v====",      // too much padding
      "Z===",          // three padding characters
      "====",          // only padding
      "Zg=a",          // padding before the end
      "Z=g=",          // padding in the middle
      "Zm-v",          // URL-safe alphabet is not standard base64
      "Zm_v",          //
      "Zh==",          // non-zero unused bits: "Zg==" is the canonical form of "f"
      "Zm9=",          // non-zero unused bits: "Zm8=" is the canonical form of "fo"
      "Zm9v\xc3\xa9",  // non-ASCII
  };
  for (const char* text : refused) {
    auto decoded = base64_decode(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().code, CryptoErrc::malformed_encoding) << text;
    EXPECT_FALSE(base64_decode_bytes(text)) << text;
  }
}

TEST(Hex, EncodesLowercaseAndDecodesEitherCase) {
  const std::vector<std::uint8_t> bytes = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(hex_encode(bytes), "0001abff");
  auto lower = hex_decode("0001abff");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower.value(), bytes);
  auto upper = hex_decode("0001ABFF");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper.value(), bytes);
}

TEST(Hex, RefusesOddLengthsAndNonDigits) {
  for (const char* text : {"abc", "0g", " 0", "0x00"}) {
    auto decoded = hex_decode(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().code, CryptoErrc::malformed_encoding);
  }
}

}  // namespace
}  // namespace pardner::crypto
