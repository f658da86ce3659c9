// The log endpoints of the real server, checked as an auditor would: the checkpoint opened with
// the served key, every entry's signature, inclusion proofs against the signed root, and a
// consistency proof between checkpoints taken before and after a restart; who may read what.
#include <boost/json/parse.hpp>

#include "crypto/base64.h"
#include "crypto/checkpoint.h"
#include "crypto/merkle.h"
#include "crypto/signed_note.h"
#include "ledger/receipt.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

std::vector<std::uint8_t> bytes_of(const boost::json::value& base64) {
  auto bytes = crypto::base64_decode(std::string_view(base64.as_string()));
  EXPECT_TRUE(bytes);
  return bytes ? bytes.value() : std::vector<std::uint8_t>{};
}

std::vector<crypto::Hash> hashes_of(const boost::json::value& array) {
  std::vector<crypto::Hash> hashes;
  for (const auto& item : array.as_array()) {
    auto bytes = bytes_of(item);
    crypto::Hash hash{};
    if (bytes.size() == hash.size()) std::copy(bytes.begin(), bytes.end(), hash.begin());
    hashes.push_back(hash);
  }
  return hashes;
}

class LogApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  crypto::VerifierKey served_key(HttpsClient& client) {
    auto response = client.get("/v1/log/key");
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->header("content-type"), "text/plain; charset=utf-8");
    std::string line = response->body;
    EXPECT_EQ(line, read_file(ledger::verifier_key_path(data_dir())));
    line.pop_back();  // the newline
    return crypto::parse_verifier_key(line).value();
  }

  crypto::Checkpoint signed_checkpoint(HttpsClient& client, const crypto::VerifierKey& key) {
    auto response = client.get("/v1/log/checkpoint");  // public: no token
    EXPECT_EQ(response->status, 200);
    auto checkpoint = crypto::open_checkpoint(response->body, key);
    EXPECT_TRUE(checkpoint);
    return checkpoint.value();
  }
};

TEST_F(LogApi, EntriesAndInclusionProofsVerifyAgainstTheSignedCheckpoint) {
  auto client = connect();
  auto key = served_key(*client);
  auto checkpoint = signed_checkpoint(*client, key);
  ASSERT_EQ(checkpoint.tree_size, 7u);  // two tokens are outside the log

  auto response = client->get("/v1/log/entries?start=0&limit=1000", auditor_token_);
  ASSERT_EQ(response->status, 200);
  auto entries = boost::json::parse(response->body).at("entries").as_array();
  ASSERT_EQ(entries.size(), 7u);
  for (const auto& item : entries) {
    auto seq = static_cast<std::uint64_t>(item.at("seq").as_int64());
    auto leaf = bytes_of(item.at("leaf"));
    auto signature = crypto::signature_from_bytes(bytes_of(item.at("signature")));
    ASSERT_TRUE(signature);
    EXPECT_TRUE(crypto::verify(key.public_key, leaf, signature.value())) << seq;

    auto proof = client->get("/v1/log/proof/inclusion?seq=" + std::to_string(seq) + "&size=7",
                             auditor_token_);
    ASSERT_EQ(proof->status, 200) << proof->body;
    auto body = boost::json::parse(proof->body);
    EXPECT_TRUE(crypto::verify_inclusion(seq, 7, crypto::leaf_hash(leaf),
                                         hashes_of(body.at("hashes")), checkpoint.root_hash))
        << seq;
  }
}

TEST_F(LogApi, ConsistencyProofAcrossARestartVerifies) {
  auto client = connect();
  auto key = served_key(*client);
  auto before = signed_checkpoint(*client, key);
  client.reset();
  stop_server();
  write([this](ledger::Writer& writer) {
    (void)writer.submit_and_wait(ledger::make_transfer("d3", cash_, savings1_, 10));
    (void)writer.submit_and_wait(ledger::make_transfer("d4", cash_, savings1_, 20));
  });
  start_server();
  client = connect();
  auto after = signed_checkpoint(*client, key);
  ASSERT_EQ(after.tree_size, before.tree_size + 2);
  auto response = client->get("/v1/log/proof/consistency?from=" + std::to_string(before.tree_size) +
                                  "&to=" + std::to_string(after.tree_size),
                              member1_token_);
  ASSERT_EQ(response->status, 200) << response->body;
  auto body = boost::json::parse(response->body);
  EXPECT_EQ(body.at("from").as_int64(), 7);
  EXPECT_EQ(body.at("to").as_int64(), 9);
  EXPECT_TRUE(crypto::verify_consistency(before.tree_size, after.tree_size, before.root_hash,
                                         after.root_hash, hashes_of(body.at("hashes"))));
}

TEST_F(LogApi, AMemberReadsOnlyTheirOwnEntriesAndReceipts) {
  auto client = connect();
  auto key = served_key(*client);
  auto response = client->get("/v1/log/entries", member1_token_);
  ASSERT_EQ(response->status, 200);
  std::vector<std::int64_t> seqs;
  auto body = boost::json::parse(response->body);
  for (const auto& item : body.at("entries").as_array()) seqs.push_back(item.at("seq").as_int64());
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{0, 3, 5}));

  auto mine = client->get("/v1/log/receipt?seq=5", member1_token_);
  ASSERT_EQ(mine->status, 200);
  auto receipt = ledger::parse_receipt(mine->body);
  ASSERT_TRUE(receipt);
  EXPECT_TRUE(ledger::verify_receipt(receipt.value(), key));
  auto theirs = client->get("/v1/log/receipt?seq=6", member1_token_);
  EXPECT_EQ(theirs->status, 404);
  EXPECT_EQ(client->get("/v1/log/proof/inclusion?seq=6", member1_token_)->status, 404);
}

TEST_F(LogApi, SignedInEndpointsNeedAKnownToken) {
  auto client = connect();
  auto anonymous = client->get("/v1/log/entries");
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(anonymous->header("www-authenticate"), "Bearer");
  EXPECT_EQ(client->get("/v1/log/entries", "pdn_unknown")->status, 401);
  EXPECT_EQ(client->get("/v1/log/entries", admin_token_)->status, 200);
}

TEST_F(LogApi, HealthReadinessAndOpenApiArePublic) {
  auto client = connect();
  EXPECT_EQ(client->get("/healthz")->status, 200);
  EXPECT_EQ(client->get("/readyz")->body, R"({"status":"ready"})");
  auto openapi = client->get("/v1/openapi.json");
  ASSERT_EQ(openapi->status, 200);
  auto document = boost::json::parse(openapi->body);
  EXPECT_NE(document.at("paths").as_object().if_contains("/v1/log/proof/consistency"), nullptr);
}

}  // namespace
}  // namespace pardner::e2e
