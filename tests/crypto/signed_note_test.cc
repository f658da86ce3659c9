#include "crypto/signed_note.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/base64.h"
#include "crypto/limits.h"

namespace pardner::crypto {
namespace {

// Known answers from golang.org/x/mod/sumdb/note's note_test.go (TestSign, TestOpen), the
// reference implementation of c2sp.org/signed-note. Its private key string is
// "PRIVATE+KEY+PeterNeumann+c74f20a3+" followed by base64(0x01 || Ed25519 seed):
constexpr std::string_view peter_private_key = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view peter_verifier_key =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view enoch_verifier_key =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view go_text =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view peter_signature_line =
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr std::string_view enoch_signature_line =
    "\xe2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

SigningKey peter_signing_key() {
  const std::vector<std::uint8_t> typed_seed = base64_decode(peter_private_key).value();
  EXPECT_EQ(typed_seed.size(), 33u);
  EXPECT_EQ(typed_seed[0], ed25519_signature_type);
  return SigningKey::from_seed_bytes(std::span(typed_seed).subspan(1)).value();
}

VerifierKey verifier_of(std::string_view line) { return parse_verifier_key(line).value(); }

std::string go_note(std::string_view signature_lines) {
  return std::string(go_text) + "\n" + std::string(signature_lines);
}

TEST(SignedNote, ReproducesTheGoReferenceKeyIdVerifierKeyAndSignatureByteForByte) {
  const SigningKey peter = peter_signing_key();
  const VerifierKey verifier = make_verifier_key("PeterNeumann", peter.public_key()).value();
  EXPECT_EQ(verifier.key_id, 0xc74f20a3u);
  EXPECT_EQ(format_verifier_key(verifier), peter_verifier_key);
  auto note = sign_note(go_text, "PeterNeumann", peter);
  ASSERT_TRUE(note);
  EXPECT_EQ(note.value(), go_note(peter_signature_line));
}

TEST(SignedNote, OpensTheGoReferenceNoteIgnoringTheOtherKeysLine) {
  const std::string note =
      go_note(std::string(peter_signature_line) + std::string(enoch_signature_line));
  auto by_peter = open_note(note, verifier_of(peter_verifier_key));
  ASSERT_TRUE(by_peter);
  EXPECT_EQ(by_peter.value(), go_text);
  auto by_enoch = open_note(note, verifier_of(enoch_verifier_key));
  ASSERT_TRUE(by_enoch);
  EXPECT_EQ(by_enoch.value(), go_text);
}

TEST(SignedNote, RoundTripsATextWithEmptyLinesAndUnicode) {
  const SigningKey key = SigningKey::generate();
  const VerifierKey verifier =
      make_verifier_key("pardner.example/ledger", key.public_key()).value();
  const std::string text = "Ognuno sta solo sul cuor della terra\n\ned \xc3\xa8 subito sera.\n\n";
  auto note = sign_note(text, verifier.name, key);
  ASSERT_TRUE(note);
  auto opened = open_note(note.value(), verifier);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened.value(), text);
}

TEST(SignedNote, RefusesANoteSignedByAnotherKey) {
  const std::string note = go_note(enoch_signature_line);
  auto opened = open_note(note, verifier_of(peter_verifier_key));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, CryptoErrc::unknown_key);
}

TEST(SignedNote, IgnoresAKeySharingTheNameButNotTheId) {
  // Same name, another key: its ID differs, so its line is not the trusted key's line.
  const SigningKey impostor = SigningKey::generate();
  const std::string impostor_note = sign_note(go_text, "PeterNeumann", impostor).value();
  const std::string impostor_line = impostor_note.substr(go_text.size() + 1);
  auto alone = open_note(go_note(impostor_line), verifier_of(peter_verifier_key));
  ASSERT_FALSE(alone);
  EXPECT_EQ(alone.error().code, CryptoErrc::unknown_key);
  auto beside = open_note(go_note(impostor_line + std::string(peter_signature_line)),
                          verifier_of(peter_verifier_key));
  EXPECT_TRUE(beside);
}

TEST(SignedNote, RefusesACarriageReturnAnywhere) {
  const std::string note =
      "If you think cryptography is the answer to your problem,\r\n"
      "then you don't know what your problem is.\n\n" +
      std::string(peter_signature_line);
  auto opened = open_note(note, verifier_of(peter_verifier_key));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, CryptoErrc::malformed_note);
  auto signed_crlf = sign_note("line one\r\nline two\n", "PeterNeumann", peter_signing_key());
  ASSERT_FALSE(signed_crlf);
  EXPECT_EQ(signed_crlf.error().code, CryptoErrc::malformed_note);
}

TEST(SignedNote, RefusesADuplicateSignatureLineFromTheTrustedKey) {
  // The Go reference skips an exact duplicate; we refuse it, as an ambiguity.
  const std::string note =
      go_note(std::string(peter_signature_line) + std::string(peter_signature_line));
  auto opened = open_note(note, verifier_of(peter_verifier_key));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, CryptoErrc::malformed_note);
}

TEST(SignedNote, RefusesATamperedTextOrSignature) {
  std::string changed_text = go_note(peter_signature_line);
  changed_text[3] = 'X';
  auto text = open_note(changed_text, verifier_of(peter_verifier_key));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, CryptoErrc::bad_signature);
  // From the Go test: four characters spliced into the signature's base64.
  std::string line(peter_signature_line);
  line.insert(60, "ABCD");
  auto signature = open_note(go_note(line), verifier_of(peter_verifier_key));
  ASSERT_FALSE(signature);
  EXPECT_EQ(signature.error().code, CryptoErrc::bad_signature);
}

TEST(SignedNote, RefusesMalformedNotes) {
  const std::string text(go_text);
  const std::string peter(peter_signature_line);
  const std::string malformed[] = {
      // The Go reference's badMsgs.
      text,
      text + "\n",
      text + "\n" + peter.substr(0, peter.size() - 1),
      "\x01" + text + "\n" + peter,
      "\xff" + text + "\n" + peter,
      text + "\n" +
          "\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
          "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
      text + "\n" + peter + "Unexpected line.\n",
      // Ours: an ASCII hyphen for the em dash, a tab, a name with '+', short and bad base64.
      text + "\n" +
          "-- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgK"
          "vqfqdngotpRZb6KE6RyyBwJnAM=\n",
      text + "\t\n" + peter,
      text + "\n" + "\xe2\x80\x94 Peter+Neumann AAAAAAAA\n",
      text + "\n" + "\xe2\x80\x94 PeterNeumann AAAA\n",
      text + "\n" + "\xe2\x80\x94 PeterNeumann AAAAAAB=\n",  // non-canonical base64
      text + "\n" + "\xe2\x80\x94 PeterNeumann\n",
  };
  for (const std::string& note : malformed) {
    auto opened = open_note(note, verifier_of(peter_verifier_key));
    ASSERT_FALSE(opened) << note;
    EXPECT_EQ(opened.error().code, CryptoErrc::malformed_note) << note;
  }
}

TEST(SignedNote, AcceptsUpToTheSignatureLineLimitAndRefusesOneMore) {
  std::string lines;
  for (std::size_t i = 1; i < note_signatures_max; ++i) lines += enoch_signature_line;
  lines += peter_signature_line;
  EXPECT_TRUE(open_note(go_note(lines), verifier_of(peter_verifier_key)));
  auto over = open_note(go_note(lines + std::string(enoch_signature_line)),
                        verifier_of(peter_verifier_key));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, CryptoErrc::malformed_note);
}

TEST(SignedNote, AcceptsANoteOfExactlyTheByteLimitAndRefusesOneMore) {
  const SigningKey key = peter_signing_key();
  const std::size_t overhead = sign_note("x\n", "PeterNeumann", key).value().size() - 2;
  const std::string at_limit = std::string(note_bytes_max - overhead - 1, 'a') + "\n";
  auto note = sign_note(at_limit, "PeterNeumann", key);
  ASSERT_TRUE(note);
  ASSERT_EQ(note.value().size(), note_bytes_max);
  EXPECT_TRUE(open_note(note.value(), verifier_of(peter_verifier_key)));
  auto over = sign_note("a" + at_limit, "PeterNeumann", key);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, CryptoErrc::too_large);
  auto open_over = open_note("a" + note.value(), verifier_of(peter_verifier_key));
  ASSERT_FALSE(open_over);
  EXPECT_EQ(open_over.error().code, CryptoErrc::too_large);
}

TEST(SignedNote, SignRefusesTextsThatCouldNotBeOpened) {
  const SigningKey key = peter_signing_key();
  for (std::string_view text : {"", "no final newline", "\xff\n"}) {
    auto note = sign_note(text, "PeterNeumann", key);
    ASSERT_FALSE(note);
    EXPECT_EQ(note.error().code, CryptoErrc::malformed_note);
  }
  auto name = sign_note("ok\n", "Peter Neumann", key);
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().code, CryptoErrc::malformed_key);
}

TEST(VerifierKey, SplitsOnlyAtTheFirstTwoPlusSigns) {
  // Find a key whose base64 holds a '+', so a parser splitting at every '+' would fail.
  bool found = false;
  for (int i = 0; i < 256 && !found; ++i) {
    SigningKey::Seed seed{};
    seed.fill(static_cast<std::uint8_t>(i));
    const PublicKey public_key = SigningKey::from_seed(seed).public_key();
    const std::string line =
        format_verifier_key(make_verifier_key("example.com/log", public_key).value());
    const std::size_t key_start = line.find('+', line.find('+') + 1) + 1;
    if (line.find('+', key_start) == std::string::npos) continue;
    found = true;
    auto parsed = parse_verifier_key(line);
    ASSERT_TRUE(parsed) << line;
    EXPECT_EQ(parsed.value().name, "example.com/log");
    EXPECT_EQ(parsed.value().public_key, public_key);
  }
  EXPECT_TRUE(found);
}

TEST(VerifierKey, RefusesEveryManglingOfAValidKey) {
  // As the Go reference's TestNewVerifier: every proper substring and every one-byte change.
  const std::string key(peter_verifier_key);
  for (std::size_t i = 0; i <= key.size(); ++i) {
    for (std::size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(parse_verifier_key(key.substr(i, j - i))) << key.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    std::string changed = key;
    ++changed[i];
    EXPECT_FALSE(parse_verifier_key(changed)) << changed;
  }
  // Wrong key length and unknown algorithm, each with a key ID adjusted to match (from Go).
  EXPECT_FALSE(parse_verifier_key(
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="));
  EXPECT_FALSE(
      parse_verifier_key("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  auto upper =
      parse_verifier_key("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  ASSERT_FALSE(upper);
  EXPECT_EQ(upper.error().code, CryptoErrc::malformed_key);
}

TEST(VerifierKey, RoundTripsTheLongestKeyName) {
  const SigningKey key = SigningKey::generate();
  const std::string name(key_name_bytes_max, 'n');
  const std::string line = format_verifier_key(make_verifier_key(name, key.public_key()).value());
  auto parsed = parse_verifier_key(line);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value().name, name);
  EXPECT_EQ(make_verifier_key(name + "n", key.public_key()).error().code,
            CryptoErrc::malformed_key);
}

TEST(KeyName, FollowsTheSpecRules) {
  for (std::string_view good :
       {"PeterNeumann", "example.com/log42", "quasimodo.example/salvatore", "caf\xc3\xa9"}) {
    EXPECT_TRUE(is_valid_key_name(good)) << good;
  }
  for (std::string_view bad : {"", "a+b", "a b", "a\tb", "a\nb",
                               "a\xc2\xa0"
                               "b",
                               "a\xe2\x80\x83"
                               "b",
                               "a\xe3\x80\x80"
                               "b",
                               "a\x01"
                               "b",
                               "a\x7f"
                               "b",
                               "a\xc2\x85"
                               "b",
                               "\xff", "\xc0\xaf"}) {
    EXPECT_FALSE(is_valid_key_name(bad)) << bad;
  }
  EXPECT_TRUE(is_valid_key_name(std::string(key_name_bytes_max, 'n')));
  EXPECT_FALSE(is_valid_key_name(std::string(key_name_bytes_max + 1, 'n')));
}

}  // namespace
}  // namespace pardner::crypto
