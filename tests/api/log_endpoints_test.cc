// The log endpoints through the real route table and a real ledger: exact formats, proofs that
// verify against the signed checkpoint, paging limits, who may read what, health and readiness.
#include <gtest/gtest.h>

#include "api/limits.h"
#include "crypto/base64.h"
#include "crypto/checkpoint.h"
#include "crypto/ed25519.h"
#include "crypto/merkle.h"
#include "ledger/receipt.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

std::vector<std::uint8_t> decode(const boost::json::value& text) {
  auto bytes = crypto::base64_decode(std::string_view(text.as_string()));
  EXPECT_TRUE(bytes);
  return bytes ? bytes.value() : std::vector<std::uint8_t>{};
}

std::vector<crypto::Hash> hashes_of(const boost::json::value& array) {
  std::vector<crypto::Hash> out;
  for (const auto& item : array.as_array()) {
    auto bytes = decode(item);
    crypto::Hash hash{};
    EXPECT_EQ(bytes.size(), hash.size());
    std::copy_n(bytes.begin(), std::min(bytes.size(), hash.size()), hash.begin());
    out.push_back(hash);
  }
  return out;
}

std::vector<std::int64_t> seqs_of(const Response& response) {
  std::vector<std::int64_t> seqs;
  auto body = boost::json::parse(response.body);  // kept: the loop below borrows from it
  for (const auto& entry : body.at("entries").as_array()) {
    seqs.push_back(entry.at("seq").as_int64());
  }
  return seqs;
}

class LogEndpoints : public ApiTest {
 protected:
  crypto::Checkpoint checkpoint() {
    auto response = get("/v1/log/checkpoint");
    EXPECT_EQ(response.status, 200);
    auto opened = crypto::open_checkpoint(response.body, *verifier_key_);
    EXPECT_TRUE(opened);
    return opened ? opened.value() : crypto::Checkpoint{};
  }
};

TEST_F(LogEndpoints, CheckpointIsTheLatestSignedNoteAsText) {
  auto response = get("/v1/log/checkpoint");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(response.body, reader_->latest_checkpoint().value().note);
  EXPECT_EQ(checkpoint().tree_size, 7u);
}

TEST_F(LogEndpoints, KeyIsTheVerifierKeyLine) {
  auto response = get("/v1/log/key");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(response.body, crypto::format_verifier_key(*verifier_key_) + "\n");
}

TEST_F(LogEndpoints, EntriesCarryLeafAndSignatureThatVerify) {
  auto response = get("/v1/log/entries?start=2&limit=3", auditor_token);
  ASSERT_EQ(response.status, 200);
  auto body = json_of(response).as_object();
  ASSERT_EQ(body.size(), 1u);
  const auto& entries = body.at("entries").as_array();
  ASSERT_EQ(entries.size(), 3u);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i].as_object();
    EXPECT_EQ(entry.size(), 3u);
    EXPECT_EQ(entry.at("seq").as_int64(), static_cast<std::int64_t>(2 + i));
    auto leaf = decode(entry.at("leaf"));
    auto signature = crypto::signature_from_bytes(decode(entry.at("signature")));
    ASSERT_TRUE(signature);
    EXPECT_TRUE(crypto::verify(verifier_key_->public_key, leaf, signature.value()));
  }
}

TEST_F(LogEndpoints, EntriesPageDefaultsAndEnds) {
  EXPECT_EQ(seqs_of(get("/v1/log/entries", admin_token)),
            (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(seqs_of(get("/v1/log/entries?start=6", admin_token)), (std::vector<std::int64_t>{6}));
  EXPECT_TRUE(seqs_of(get("/v1/log/entries?start=7", admin_token)).empty());
}

TEST_F(LogEndpoints, EntriesPageDefaultIsEntriesPageDefault) {
  std::vector<ledger::Command> members(entries_page_default, ledger::CreateMember{});
  for (auto& done : writer_->submit_all(std::move(members))) ASSERT_TRUE(done.get());
  auto seqs = seqs_of(get("/v1/log/entries", auditor_token));
  ASSERT_EQ(seqs.size(), entries_page_default);
  EXPECT_EQ(seqs.back(), static_cast<std::int64_t>(entries_page_default) - 1);
  EXPECT_EQ(seqs_of(get("/v1/log/entries?limit=" + std::to_string(entries_page_default + 1),
                        auditor_token))
                .size(),
            entries_page_default + 1);
}

TEST_F(LogEndpoints, EntriesLimitAtTheMaximumAndOnePast) {
  std::string at = std::to_string(ledger::entries_page_max);
  std::string past = std::to_string(ledger::entries_page_max + 1);
  EXPECT_EQ(get("/v1/log/entries?limit=" + at, admin_token).status, 200);
  auto refused = get("/v1/log/entries?limit=" + past, admin_token);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(problem_code(refused), "invalid_argument");
  EXPECT_EQ(get("/v1/log/entries?limit=0", admin_token).status, 400);
}

TEST_F(LogEndpoints, RefusesMalformedNumbers) {
  for (std::string query : {"start=-1", "start=01", "start=1.0", "start=%2B1",
                            "start=", "start=99999999999999999999", "limit=1e3"}) {
    auto response = get("/v1/log/entries?" + query, admin_token);
    EXPECT_EQ(response.status, 400) << query;
    EXPECT_EQ(problem_code(response), "invalid_argument") << query;
  }
}

TEST_F(LogEndpoints, AMemberSeesOnlyEntriesTouchingThem) {
  EXPECT_EQ(seqs_of(get("/v1/log/entries", member1_token)), (std::vector<std::int64_t>{0, 3, 5}));
  EXPECT_EQ(seqs_of(get("/v1/log/entries", member2_token)), (std::vector<std::int64_t>{1, 4, 6}));
  EXPECT_EQ(seqs_of(get("/v1/log/entries?start=4&limit=2", member1_token)),
            (std::vector<std::int64_t>{5}));
}

TEST_F(LogEndpoints, AMemberSeesTheVoidOfTheirPendingTransaction) {
  auto pending = must(ledger::CreateTransaction{.idempotency_key = "hold-1",
                                                .postings = {{savings1_, 100}, {cash_, -100}},
                                                .memo = "hold",
                                                .pending = true});
  auto voided = must(ledger::VoidPending{.idempotency_key = "void-1", .transaction = pending.id});
  auto seqs = seqs_of(get("/v1/log/entries", member1_token));
  EXPECT_EQ(seqs.back(), voided.seq);
  EXPECT_EQ(seqs_of(get("/v1/log/entries?start=7", member2_token)).size(), 0u);
}

TEST_F(LogEndpoints, InclusionProofVerifiesAgainstTheCheckpoint) {
  auto signed_root = checkpoint();
  auto leaves = reader_->leaves(0, 7).value();
  for (std::int64_t seq = 0; seq < 7; ++seq) {
    auto response =
        get("/v1/log/proof/inclusion?seq=" + std::to_string(seq) + "&size=7", auditor_token);
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = json_of(response).as_object();
    EXPECT_EQ(body.size(), 3u);
    EXPECT_EQ(body.at("seq").as_int64(), seq);
    EXPECT_EQ(body.at("size").as_int64(), 7);
    auto proof = hashes_of(body.at("hashes"));
    EXPECT_TRUE(crypto::verify_inclusion(static_cast<std::uint64_t>(seq), 7,
                                         crypto::leaf_hash(leaves[static_cast<std::size_t>(seq)]),
                                         proof, signed_root.root_hash));
  }
  // Without size, the latest checkpoint's.
  EXPECT_EQ(json_of(get("/v1/log/proof/inclusion?seq=1", auditor_token)).at("size").as_int64(), 7);
}

TEST_F(LogEndpoints, InclusionProofRefusals) {
  EXPECT_EQ(problem_code(get("/v1/log/proof/inclusion", auditor_token)), "invalid_argument");
  EXPECT_EQ(get("/v1/log/proof/inclusion?seq=7&size=7", auditor_token).status, 400);
  // Proofs are answered only for sizes a checkpoint was issued for.
  EXPECT_EQ(get("/v1/log/proof/inclusion?seq=1&size=100", auditor_token).status, 404);
  EXPECT_EQ(get("/v1/log/proof/inclusion?seq=1", "").status, 401);
}

TEST_F(LogEndpoints, AMemberGetsProofsOfTheirEntriesOnly) {
  EXPECT_EQ(get("/v1/log/proof/inclusion?seq=5", member1_token).status, 200);
  auto other = get("/v1/log/proof/inclusion?seq=6", member1_token);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(problem_code(other), "not_found");
  // The same answer as for an entry that does not exist.
  auto absent = get("/v1/log/proof/inclusion?seq=600", member1_token);
  EXPECT_EQ(absent.status, 404);
  EXPECT_EQ(json_of(absent).at("title"), json_of(other).at("title"));
}

TEST_F(LogEndpoints, ConsistencyProofVerifiesBetweenCheckpoints) {
  auto old_note = reader_->latest_checkpoint().value();  // size 7
  must(ledger::make_transfer("deposit-3", cash_, savings1_, 1, "more"));
  auto new_root = checkpoint();
  ASSERT_EQ(new_root.tree_size, 8u);
  auto response = get("/v1/log/proof/consistency?from=7&to=8", member2_token);
  ASSERT_EQ(response.status, 200);
  auto body = json_of(response).as_object();
  EXPECT_EQ(body.at("from").as_int64(), 7);
  EXPECT_EQ(body.at("to").as_int64(), 8);
  auto proof = hashes_of(body.at("hashes"));
  EXPECT_TRUE(crypto::verify_consistency(7, 8, old_note.root_hash, new_root.root_hash, proof));
  // Without to, the latest.
  EXPECT_EQ(json_of(get("/v1/log/proof/consistency?from=7", admin_token)).at("to").as_int64(), 8);
  EXPECT_EQ(get("/v1/log/proof/consistency?from=9&to=8", admin_token).status, 400);
  EXPECT_EQ(get("/v1/log/proof/consistency?to=8", admin_token).status, 400);
}

TEST_F(LogEndpoints, ReceiptVerifiesOffline) {
  auto response = get("/v1/log/receipt?seq=5", member1_token);
  ASSERT_EQ(response.status, 200) << response.body;
  auto receipt = ledger::parse_receipt(response.body);
  ASSERT_TRUE(receipt) << receipt.error().detail;
  EXPECT_TRUE(ledger::verify_receipt(receipt.value(), *verifier_key_));
  EXPECT_EQ(get("/v1/log/receipt?seq=6", member1_token).status, 404);
  EXPECT_EQ(get("/v1/log/receipt?seq=6", auditor_token).status, 200);
  EXPECT_EQ(get("/v1/log/receipt?seq=70", auditor_token).status, 404);
}

TEST_F(LogEndpoints, HealthAndReadiness) {
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/readyz").status, 200);
  stopping_ = true;
  auto stopping = get("/readyz");
  EXPECT_EQ(stopping.status, 503);
  EXPECT_EQ(problem_code(stopping), "shutting_down");
  stopping_ = false;
  services_.writer = nullptr;  // served read-only
  EXPECT_EQ(get("/readyz").status, 503);
  EXPECT_EQ(get("/healthz").status, 200);
}

}  // namespace
}  // namespace pardner::api::testing
