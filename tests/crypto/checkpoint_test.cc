#include "crypto/checkpoint.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/base64.h"
#include "crypto/limits.h"

namespace pardner::crypto {
namespace {

Checkpoint sample() {
  Checkpoint checkpoint;
  checkpoint.origin = "pardner.example/ledger";
  checkpoint.tree_size = 5;
  checkpoint.root_hash = sha256("five leaves");
  return checkpoint;
}

TEST(Checkpoint, FormatsTheThreeLinesEachEndingInANewline) {
  const Checkpoint checkpoint = sample();
  EXPECT_EQ(format_checkpoint(checkpoint).value(),
            "pardner.example/ledger\n5\n" + base64_encode(checkpoint.root_hash) + "\n");
}

TEST(Checkpoint, ParsesTheSpecExampleBody) {
  // The note text of the example in c2sp.org/tlog-checkpoint.
  auto parsed = parse_checkpoint(
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value().origin, "example.com/behind-the-sofa");
  EXPECT_EQ(parsed.value().tree_size, 20852163u);
  EXPECT_EQ(base64_encode(parsed.value().root_hash),
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_TRUE(parsed.value().extension_lines.empty());
}

TEST(Checkpoint, RoundTripsWithExtensionLinesAndTheEmptyTree) {
  Checkpoint checkpoint = sample();
  checkpoint.extension_lines = {"timestamp 1700000000", "caf\xc3\xa9"};
  auto text = format_checkpoint(checkpoint);
  ASSERT_TRUE(text);
  auto parsed = parse_checkpoint(text.value());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value(), checkpoint);

  Checkpoint empty = sample();
  empty.tree_size = 0;
  const std::string empty_text = format_checkpoint(empty).value();
  EXPECT_EQ(empty_text.substr(empty.origin.size() + 1, 2), "0\n");
  EXPECT_EQ(parse_checkpoint(empty_text).value(), empty);
}

TEST(Checkpoint, RefusesMalformedTexts) {
  const std::string root = base64_encode(sha256("x"));
  const std::string malformed[] = {
      "",
      "origin\n5\n" + root,                            // no final newline
      "origin\n5\n",                                   // two lines
      "origin\n05\n" + root + "\n",                    // leading zero
      "origin\n00\n" + root + "\n",                    //
      "origin\n-1\n" + root + "\n",                    // sign
      "origin\n+1\n" + root + "\n",                    //
      "origin\n 1\n" + root + "\n",                    // space
      "origin\n1 \n" + root + "\n",                    //
      "origin\n\n" + root + "\n",                      // empty size
      "origin\n18446744073709551616\n" + root + "\n",  // 2^64
      "origin\n5\n" + root.substr(0, 40) + "\n",       // short root
      "origin\n5\n" + base64_encode(std::vector<std::uint8_t>(33, 0)) + "\n",
      "origin\n5\n" + root + "\n\n",             // empty extension line
      "origin\n5\n" + root + "\nextension\n\n",  //
      "\n5\n" + root + "\n",                     // empty origin
      "my log\n5\n" + root + "\n",               // space in origin
      "my+log\n5\n" + root + "\n",               // plus in origin
      "origin\r\n5\n" + root + "\n",             // carriage return
      "origin\n5\n" + root + "\next\x01\n",      // control character
  };
  for (const std::string& text : malformed) {
    auto parsed = parse_checkpoint(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, CryptoErrc::malformed_checkpoint) << text;
  }
}

TEST(Checkpoint, AcceptsTreeSizesUpTo2To62AndRefusesOneMore) {
  const std::string root = base64_encode(sha256("x"));
  auto at_limit = parse_checkpoint("o\n4611686018427387904\n" + root + "\n");
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit.value().tree_size, tree_size_max);
  auto over = parse_checkpoint("o\n4611686018427387905\n" + root + "\n");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, CryptoErrc::too_large);
  Checkpoint too_big = sample();
  too_big.tree_size = tree_size_max + 1;
  EXPECT_EQ(format_checkpoint(too_big).error().code, CryptoErrc::too_large);
}

TEST(Checkpoint, FormatsAndParsesUpToTheNoteBoundAndRefusesOneByteMore) {
  Checkpoint checkpoint = sample();
  const std::size_t base = format_checkpoint(checkpoint).value().size();
  checkpoint.extension_lines = {std::string(note_bytes_max - base - 1, 'e')};
  auto text = format_checkpoint(checkpoint);
  ASSERT_TRUE(text);
  EXPECT_EQ(text.value().size(), note_bytes_max);
  EXPECT_EQ(parse_checkpoint(text.value()).value(), checkpoint);
  checkpoint.extension_lines[0].push_back('e');
  EXPECT_EQ(format_checkpoint(checkpoint).error().code, CryptoErrc::too_large);
  EXPECT_EQ(parse_checkpoint(text.value() + "e\n").error().code, CryptoErrc::too_large);
  // Too long to sign as a note, but refused as a value rather than stopping the process.
  checkpoint.extension_lines[0].resize(note_bytes_max - base - 50);
  EXPECT_EQ(sign_checkpoint(checkpoint, SigningKey::generate()).error().code,
            CryptoErrc::too_large);
}

TEST(Checkpoint, FormatRefusesAnInvalidOriginOrExtensionLine) {
  Checkpoint bad_origin = sample();
  bad_origin.origin = "has space";
  EXPECT_EQ(format_checkpoint(bad_origin).error().code, CryptoErrc::malformed_checkpoint);
  Checkpoint bad_extension = sample();
  bad_extension.extension_lines = {""};
  EXPECT_EQ(format_checkpoint(bad_extension).error().code, CryptoErrc::malformed_checkpoint);
  bad_extension.extension_lines = {"two\nlines"};
  EXPECT_EQ(format_checkpoint(bad_extension).error().code, CryptoErrc::malformed_checkpoint);
}

TEST(Checkpoint, SignsAndOpensAsASignedNoteUnderTheOriginName) {
  const SigningKey key = SigningKey::generate();
  const Checkpoint checkpoint = sample();
  const VerifierKey verifier = make_verifier_key(checkpoint.origin, key.public_key()).value();
  auto note = sign_checkpoint(checkpoint, key);
  ASSERT_TRUE(note);
  EXPECT_TRUE(note.value().starts_with(format_checkpoint(checkpoint).value() + "\n\xe2\x80\x94 " +
                                       checkpoint.origin + " "));
  auto opened = open_checkpoint(note.value(), verifier);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened.value(), checkpoint);
}

TEST(Checkpoint, OpenRefusesAnotherKeyATamperedSizeAndAnotherOrigin) {
  const SigningKey key = SigningKey::generate();
  const Checkpoint checkpoint = sample();
  const VerifierKey verifier = make_verifier_key(checkpoint.origin, key.public_key()).value();
  const std::string note = sign_checkpoint(checkpoint, key).value();

  const VerifierKey stranger =
      make_verifier_key(checkpoint.origin, SigningKey::generate().public_key()).value();
  EXPECT_EQ(open_checkpoint(note, stranger).error().code, CryptoErrc::unknown_key);

  std::string bigger = note;
  bigger.replace(checkpoint.origin.size() + 1, 1, "6");
  EXPECT_EQ(open_checkpoint(bigger, verifier).error().code, CryptoErrc::bad_signature);

  Checkpoint other_log = checkpoint;
  other_log.origin = "other.example/log";
  const std::string signed_as_ours =
      sign_note(format_checkpoint(other_log).value(), checkpoint.origin, key).value();
  EXPECT_EQ(open_checkpoint(signed_as_ours, verifier).error().code, CryptoErrc::wrong_origin);

  const std::string not_a_checkpoint = sign_note("hello\n", checkpoint.origin, key).value();
  EXPECT_EQ(open_checkpoint(not_a_checkpoint, verifier).error().code,
            CryptoErrc::malformed_checkpoint);
}

}  // namespace
}  // namespace pardner::crypto
