#include "crypto/tlog_proof.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/base64.h"
#include "crypto/limits.h"
#include "crypto/memory_node_store.h"
#include "crypto/merkle.h"

namespace pardner::crypto {
namespace {

// The example in c2sp.org/tlog-proof, verbatim (its signatures are elided there with "[...]",
// so it parses but cannot be opened).
constexpr std::string_view spec_example =
    "c2sp.org/tlog-proof@v1\n"
    "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
    "index 73894\n"
    "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
    "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
    "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
    "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
    "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
    "\n"
    "example.com/fancylog\n"
    "109482\n"
    "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n"
    "\n"
    "\xe2\x80\x94 example.com/fancylog hI2DJw[...]1roloI=\n"
    "\xe2\x80\x94 witness1.example mJirIklj[...]qY9v2B/5bg==\n"
    "\xe2\x80\x94 witness2.example TnKKVHLX[...]xwYwrSjgow==\n"
    "\xe2\x80\x94 witness3.example S4X82uH5[...]3oEcROGLFQ==\n";

// A signed log of 13 leaves and a proof for leaf 6.
struct Fixture {
  SigningKey key = SigningKey::generate();
  VerifierKey verifier = make_verifier_key("pardner.example/ledger", key.public_key()).value();
  MemoryNodeStore store;
  TlogProof proof;
  Fixture() {
    for (int i = 0; i < 13; ++i) store.append(leaf_hash("entry " + std::to_string(i)));
    const Checkpoint head{verifier.name, 13, root(13, store).value(), {}};
    proof.index = 6;
    proof.hashes = inclusion_proof(6, 13, store).value();
    proof.checkpoint = sign_checkpoint(head, key).value();
  }
};

TEST(TlogProof, ParsesTheSpecExample) {
  auto parsed = parse_tlog_proof(spec_example);
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(parsed.value().extra.has_value());
  EXPECT_EQ(base64_encode(*parsed.value().extra),
            "YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ");
  EXPECT_EQ(parsed.value().index, 73894u);
  ASSERT_EQ(parsed.value().hashes.size(), 5u);
  EXPECT_EQ(base64_encode(parsed.value().hashes[4]),
            "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=");
  EXPECT_TRUE(parsed.value().checkpoint.starts_with("example.com/fancylog\n109482\n"));
  EXPECT_EQ(format_tlog_proof(parsed.value()).value(), spec_example);
}

TEST(TlogProof, FormatsHeaderIndexHashesBlankLineAndCheckpointVerbatim) {
  const Fixture fixture;
  std::string expected = "c2sp.org/tlog-proof@v1\nindex 6\n";
  for (const Hash& hash : fixture.proof.hashes) expected += base64_encode(hash) + "\n";
  expected += "\n" + fixture.proof.checkpoint;
  auto text = format_tlog_proof(fixture.proof);
  ASSERT_TRUE(text);
  EXPECT_EQ(text.value(), expected);
  auto parsed = parse_tlog_proof(text.value());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value(), fixture.proof);
}

TEST(TlogProof, RoundTripsExtraDataAndAnEmptyProof) {
  Fixture fixture;
  fixture.proof.extra = std::vector<std::uint8_t>{0, 1, 2, 0xff};
  fixture.proof.hashes.clear();
  fixture.proof.index = 0;
  const std::string text = format_tlog_proof(fixture.proof).value();
  EXPECT_TRUE(text.starts_with("c2sp.org/tlog-proof@v1\nextra AAEC/w==\nindex 0\n\n"));
  EXPECT_EQ(parse_tlog_proof(text).value(), fixture.proof);
}

TEST(TlogProof, VerifiesOfflineAgainstTheTrustedKey) {
  const Fixture fixture;
  const TlogProof parsed = parse_tlog_proof(format_tlog_proof(fixture.proof).value()).value();
  auto head = verify_tlog_proof(parsed, leaf_hash("entry 6"), fixture.verifier);
  ASSERT_TRUE(head);
  EXPECT_EQ(head.value().tree_size, 13u);

  EXPECT_EQ(verify_tlog_proof(parsed, leaf_hash("entry 7"), fixture.verifier).error().code,
            CryptoErrc::bad_proof);
  TlogProof moved = parsed;
  moved.index = 7;
  EXPECT_EQ(verify_tlog_proof(moved, leaf_hash("entry 6"), fixture.verifier).error().code,
            CryptoErrc::bad_proof);
  moved.index = 13;
  EXPECT_EQ(verify_tlog_proof(moved, leaf_hash("entry 6"), fixture.verifier).error().code,
            CryptoErrc::bad_proof);
  const VerifierKey stranger =
      make_verifier_key(fixture.verifier.name, SigningKey::generate().public_key()).value();
  EXPECT_EQ(verify_tlog_proof(parsed, leaf_hash("entry 6"), stranger).error().code,
            CryptoErrc::unknown_key);
}

TEST(TlogProof, RefusesMalformedTexts) {
  const Fixture fixture;
  const std::string text = format_tlog_proof(fixture.proof).value();
  const std::size_t index_line = text.find("index 6\n");
  const std::string body = text.substr(index_line + 8);  // hash lines, blank line, checkpoint
  const std::string header = "c2sp.org/tlog-proof@v1\n";
  const std::string malformed[] = {
      "",
      "c2sp.org/tlog-proof@v2\nindex 6\n" + body,
      "c2sp.org/tlog-proof@v1\r\nindex 6\n" + body,
      header + body,                 // no index line
      header + "index 06\n" + body,  // leading zero
      header + "index -6\n" + body,
      header + "index  6\n" + body,
      header + "index 6 \n" + body,
      header + "index\n" + body,
      header + "extra \nindex 6\n" + body,                           // empty extra
      header + "extra AAE\nindex 6\n" + body,                        // bad base64
      header + "index 6\nextra AAEC\n" + body,                       // extra after index
      header + "index 6\n" + "AAAA\n" + body,                        // a hash that is not 32 bytes
      header + "index 6\n" + body.substr(0, body.find("\n\n") + 1),  // no blank line
      header + "index 6\n" + body.substr(0, body.find("\n\n") + 2),  // empty checkpoint
  };
  for (const std::string& bad : malformed) {
    auto parsed = parse_tlog_proof(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, CryptoErrc::malformed_proof) << bad;
  }
}

TEST(TlogProof, EnforcesItsLimitsAtTheLimitAndOneBeyond) {
  Fixture fixture;
  fixture.proof.hashes.assign(proof_hashes_max, sha256("h"));
  EXPECT_TRUE(parse_tlog_proof(format_tlog_proof(fixture.proof).value()));
  fixture.proof.hashes.push_back(sha256("h"));
  EXPECT_EQ(format_tlog_proof(fixture.proof).error().code, CryptoErrc::too_large);
  std::string too_many = "c2sp.org/tlog-proof@v1\nindex 6\n";
  for (std::size_t i = 0; i <= proof_hashes_max; ++i) too_many += base64_encode(sha256("h")) + "\n";
  EXPECT_EQ(parse_tlog_proof(too_many + "\n" + fixture.proof.checkpoint).error().code,
            CryptoErrc::too_large);

  fixture.proof.hashes.clear();
  fixture.proof.extra = std::vector<std::uint8_t>(tlog_proof_extra_bytes_max, 7);
  EXPECT_TRUE(parse_tlog_proof(format_tlog_proof(fixture.proof).value()));
  fixture.proof.extra->push_back(7);
  EXPECT_EQ(format_tlog_proof(fixture.proof).error().code, CryptoErrc::too_large);
  const std::string big_extra =
      "c2sp.org/tlog-proof@v1\nextra " + base64_encode(*fixture.proof.extra) + "\nindex 6\n\n";
  EXPECT_EQ(parse_tlog_proof(big_extra + fixture.proof.checkpoint).error().code,
            CryptoErrc::too_large);

  fixture.proof.extra.reset();
  fixture.proof.index = tree_size_max - 1;
  EXPECT_TRUE(parse_tlog_proof(format_tlog_proof(fixture.proof).value()));
  fixture.proof.index = tree_size_max;
  EXPECT_EQ(format_tlog_proof(fixture.proof).error().code, CryptoErrc::too_large);
  EXPECT_EQ(parse_tlog_proof("c2sp.org/tlog-proof@v1\nindex 4611686018427387904\n\n" +
                             fixture.proof.checkpoint)
                .error()
                .code,
            CryptoErrc::too_large);
  const std::string prefix = "c2sp.org/tlog-proof@v1\nindex 0\n\n";
  const std::string at_limit = prefix + std::string(tlog_proof_bytes_max - prefix.size(), 'a');
  EXPECT_TRUE(parse_tlog_proof(at_limit));
  EXPECT_EQ(parse_tlog_proof(at_limit + "a").error().code, CryptoErrc::too_large);
}

}  // namespace
}  // namespace pardner::crypto
