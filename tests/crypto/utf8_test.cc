#include "crypto/utf8.h"

#include <gtest/gtest.h>

namespace pardner::crypto {
namespace {

TEST(Utf8, DecodesOneToFourByteSequences) {
  auto decoded = decode_utf8("a\xc3\xa9\xe2\x80\x94\xf0\x9f\x98\x80");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, (std::vector<char32_t>{U'a', 0xe9, 0x2014, 0x1f600}));
  EXPECT_TRUE(is_valid_utf8(""));
}

TEST(Utf8, PrefixEndsOnACharacterBoundary) {
  const std::string text = "ab\xc3\xa9\xf0\x9f\x98\x80";  // a b é 😀: 1+1+2+4 bytes
  EXPECT_EQ(utf8_prefix(text, 100), text);
  EXPECT_EQ(utf8_prefix(text, text.size()), text);
  EXPECT_EQ(utf8_prefix(text, 7), "ab\xc3\xa9");  // inside the 4-byte character
  EXPECT_EQ(utf8_prefix(text, 5), "ab\xc3\xa9");
  EXPECT_EQ(utf8_prefix(text, 4), "ab\xc3\xa9");
  EXPECT_EQ(utf8_prefix(text, 3), "ab");  // inside é
  EXPECT_EQ(utf8_prefix(text, 2), "ab");
  EXPECT_EQ(utf8_prefix(text, 0), "");
  EXPECT_EQ(utf8_prefix("\xc3\xa9", 1), "");
}

TEST(Utf8, RefusesWhatALenientDecoderWouldRepair) {
  for (std::string_view bad :
       {"\x80", "\xc3", "\xc3\x28", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xf8\x88\x80\x80\x80", "\xff"}) {
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
    EXPECT_FALSE(decode_utf8(bad));
  }
}

TEST(Utf8, ClassifiesSpacesAndControls) {
  for (char32_t space :
       {U' ', U'\t', U'\n', U'\r', char32_t{0x85}, char32_t{0xa0}, char32_t{0x1680},
        char32_t{0x2000}, char32_t{0x200a}, char32_t{0x2028}, char32_t{0x3000}}) {
    EXPECT_TRUE(is_unicode_space(space)) << static_cast<int>(space);
  }
  EXPECT_FALSE(is_unicode_space(U'a'));
  EXPECT_FALSE(is_unicode_space(char32_t{0x200b}));  // zero width space is not White_Space
  EXPECT_TRUE(is_control(0x00));
  EXPECT_TRUE(is_control(0x7f));
  EXPECT_TRUE(is_control(0x9f));
  EXPECT_FALSE(is_control(U'a'));
  EXPECT_FALSE(is_control(0xa0));
}

}  // namespace
}  // namespace pardner::crypto
