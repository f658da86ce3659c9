// The signed log end to end on a real ledger: export, offline verification, receipts, proofs;
// tamper cases that verification must catch, each named; and the formats checked with tools
// that are not ours (openssl pkeyutl, an independent Python Merkle root).
#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "crypto/base64.h"
#include "crypto/checkpoint.h"
#include "crypto/merkle.h"
#include "ledger/audit_export.h"
#include "ledger/audit_verify.h"
#include "ledger/log_key.h"
#include "ledger/merkle_store.h"
#include "ledger/receipt.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/support/text_file.h"

namespace pardner::ledger::testing {
namespace {

using pardner::testing::read_text;
using pardner::testing::write_text;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

class Audit : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability);
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(transfer(cash_, savings_, i * 100));
    auto held = make_transfer(next_key(), savings_, cash_, 50);
    held.pending = true;
    auto pending = submit(held);
    ASSERT_TRUE(pending);
    ASSERT_TRUE(submit(PostPending{.idempotency_key = next_key(), .transaction = pending.value().id}));
    key_line_ = read_text(verifier_key_path(dir_.path()));
    while (!key_line_.empty() && key_line_.back() == '\n') key_line_.pop_back();
  }

  std::string export_now(const std::string& name = "export") {
    std::string out = dir_.file(name);
    auto summary = export_ledger(dir_.path(), out);
    EXPECT_TRUE(summary) << (summary ? "" : summary.error().detail);
    return out;
  }

  Result<VerifyReport> verify(const std::string& export_dir,
                              std::optional<std::string> since = {}) {
    VerifyOptions options;
    options.pinned_key = key_line_;
    options.since_checkpoint = std::move(since);
    return verify_export(export_dir, options);
  }

  // Runs `change` on the lines of entries.jsonl.
  template <class Change>
  void edit_entries(const std::string& export_dir, Change change) {
    auto lines = lines_of(read_text(export_dir + "/entries.jsonl"));
    change(lines);
    write_text(export_dir + "/entries.jsonl", joined(lines));
  }

  void expect_refused(const Result<VerifyReport>& report, const std::string& words) {
    ASSERT_FALSE(report) << "tampering went unnoticed";
    EXPECT_NE(report.error().detail.find(words), std::string::npos) << report.error().detail;
  }

  AccountId cash_ = 0, savings_ = 0;
  std::string key_line_;
};

TEST_F(Audit, AnUntouchedExportVerifiesWithEveryBalanceReplayed) {
  auto report = verify(export_now());
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value().entries, static_cast<std::uint64_t>(reader_->log_size().value()));
  EXPECT_EQ(report.value().signatures_checked, report.value().entries);
  EXPECT_FALSE(report.value().key_from_source);
  EXPECT_EQ(report.value().trial_balance, reader_->trial_balance().value());
  EXPECT_EQ(report.value().trial_balance[0].debits, 1500 - 50);
}

TEST_F(Audit, OneChangedByteInOneEntryIsNamed) {
  auto out = export_now();
  edit_entries(out, [](auto& lines) {
    auto object = boost::json::parse(lines[3]).as_object();
    auto leaf = crypto::base64_decode(object["leaf"].as_string()).value();
    std::string text(leaf.begin(), leaf.end());
    text.replace(text.find("\"amount\":200"), 12, "\"amount\":900");
    object["leaf"] = crypto::base64_encode(
        {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    lines[3] = boost::json::serialize(object);
  });
  expect_refused(verify(out), "entry 3: signature does not verify");
}

TEST_F(Audit, ALineOverTheBoundIsNamedAndTheLinesAfterItStillCount) {
  auto out = export_now();
  edit_entries(out, [](auto& lines) { lines[2] = std::string(3 << 20, 'x'); });
  expect_refused(verify(out), "entry 2: line too long");
  // Exactly at the bound the line is read whole (and refused for what it holds, not its length).
  edit_entries(out, [](auto& lines) { lines[2] = std::string(1 << 20, ' ') + "{}"; });
  expect_refused(verify(out), "entry 2: line too long");
  edit_entries(out, [](auto& lines) { lines[2] = std::string((1 << 20) - 2, ' ') + "{}"; });
  expect_refused(verify(out), "entry 2: needs seq, leaf and signature");
}

TEST_F(Audit, OneChangedSignatureIsNamed) {
  auto out = export_now();
  edit_entries(out, [](auto& lines) {
    auto object = boost::json::parse(lines[4]).as_object();
    auto signature = crypto::base64_decode(object["signature"].as_string()).value();
    signature[10] ^= 0x01;
    object["signature"] = crypto::base64_encode(signature);
    lines[4] = boost::json::serialize(object);
  });
  expect_refused(verify(out), "entry 4: signature does not verify");
}

TEST_F(Audit, AnEntryDeletedFromTheDatabaseWithItsTriggersDroppedIsNamed) {
  writer_->stop();
  {
    auto db = Database::open(db_path(), Database::Mode::read_write).value();
    ASSERT_TRUE(db.exec("DROP TRIGGER entries_refuse_delete; DROP TRIGGER entry_signatures_refuse_delete;"
                        "DELETE FROM entry_signatures WHERE seq = 5; DELETE FROM entries WHERE seq = 5;"));
  }
  expect_refused(verify(export_now()), "entry 5: found seq 6 where 5 belongs");
}

TEST_F(Audit, TwoSwappedEntriesAreNamed) {
  auto out = export_now();
  edit_entries(out, [](auto& lines) { std::swap(lines[2], lines[3]); });
  expect_refused(verify(out), "entry 2: found seq 3 where 2 belongs");
}

TEST_F(Audit, AnEntryAppendedWithoutASignatureIsNamed) {
  auto out = export_now();
  auto next = reader_->log_size().value();
  std::string leaf = encode_leaf(next, clock_.now(), EntryKind::account_closed, {{"account", 1}});
  edit_entries(out, [&](auto& lines) {
    lines.push_back(boost::json::serialize(boost::json::object{
        {"seq", next},
        {"leaf", crypto::base64_encode({reinterpret_cast<const std::uint8_t*>(leaf.data()), leaf.size()})},
        {"signature", ""}}));
  });
  expect_refused(verify(out), "entry " + std::to_string(next) + ": entry has no valid signature");
}

TEST_F(Audit, ACheckpointSignedByAnotherKeyIsRefused) {
  auto out = export_now();
  auto genuine = crypto::open_checkpoint(read_text(out + "/checkpoint"),
                                         crypto::parse_verifier_key(key_line_).value());
  ASSERT_TRUE(genuine);
  // The same checkpoint, under the same name, signed by a key the auditor never pinned.
  auto other = crypto::SigningKey::generate();
  write_text(out + "/checkpoint", crypto::sign_checkpoint(genuine.value(), other).value());
  expect_refused(verify(out), "checkpoint: unknown_key");
}

TEST_F(Audit, ACheckpointSmallerThanTheEntriesIsRefused) {
  auto out = export_now();
  auto key = load_log_key(dir_.path()).value();
  auto size = static_cast<std::uint64_t>(reader_->log_size().value());
  auto db = Database::open(db_path(), Database::Mode::read_only).value();
  auto root = merkle_root(db, size - 1).value();
  write_text(out + "/checkpoint",
             crypto::sign_checkpoint(crypto::Checkpoint{key.name, size - 1, root, {}}, key.key).value());
  expect_refused(verify(out), "the checkpoint covers " + std::to_string(size - 1) +
                                  " entries but the source holds " + std::to_string(size));
}

TEST_F(Audit, IncrementalVerificationChecksConsistencyWithAKeptCheckpoint) {
  auto first = export_now("first");
  std::string kept = read_text(first + "/checkpoint");
  ASSERT_TRUE(transfer(cash_, savings_, 7));
  ASSERT_TRUE(transfer(cash_, savings_, 8));
  auto second = export_now("second");
  auto report = verify(second, kept);
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value().signatures_checked, 2u);
  EXPECT_EQ(report.value().consistent_with_size, report.value().entries - 2);

  // A rewritten history under a validly signed new checkpoint is still caught against the old.
  edit_entries(second, [](auto& lines) { std::swap(lines[2], lines[3]); });
  EXPECT_FALSE(verify(second, kept));
}

TEST_F(Audit, ReceiptsVerifyOfflineAndFailForAnotherKey) {
  auto text = reader_->receipt(4);
  ASSERT_TRUE(text) << text.error().detail;
  auto receipt = parse_receipt(text.value());
  ASSERT_TRUE(receipt);
  auto trusted = crypto::parse_verifier_key(key_line_).value();
  auto checkpoint = verify_receipt(receipt.value(), trusted);
  ASSERT_TRUE(checkpoint) << checkpoint.error().detail;
  EXPECT_EQ(checkpoint.value().tree_size, static_cast<std::uint64_t>(reader_->log_size().value()));
  auto stranger = crypto::make_verifier_key(trusted.name, crypto::SigningKey::generate().public_key());
  EXPECT_FALSE(verify_receipt(receipt.value(), stranger.value()));
  receipt.value().leaf[5] ^= 0x01;
  EXPECT_FALSE(verify_receipt(receipt.value(), trusted));
}

TEST_F(Audit, AReceiptPlusALaterCheckpointAndConsistencyProofShowsTheEntryIsStillThere) {
  auto receipt = parse_receipt(reader_->receipt(4).value()).value();
  auto trusted = crypto::parse_verifier_key(key_line_).value();
  std::uint64_t old_size = verify_receipt(receipt, trusted).value().tree_size;
  ASSERT_TRUE(transfer(cash_, savings_, 9));
  auto later = reader_->latest_checkpoint().value();
  auto proof = format_consistency_proof(old_size, later.tree_size,
                                        reader_->consistency_proof(old_size, later.tree_size).value());
  auto still = verify_receipt_still_included(receipt, trusted, later.note, proof);
  ASSERT_TRUE(still) << still.error().detail;
  EXPECT_EQ(still.value().tree_size, old_size + 1);
  // A proof between other sizes is refused.
  auto wrong = format_consistency_proof(old_size - 1, later.tree_size,
                                        reader_->consistency_proof(old_size - 1, later.tree_size).value());
  EXPECT_FALSE(verify_receipt_still_included(receipt, trusted, later.note, wrong));
}

TEST_F(Audit, ProofsAreServedOnlyForCheckpointedSizesAndVerify) {
  auto size = static_cast<std::uint64_t>(reader_->log_size().value());
  auto checkpoint = reader_->latest_checkpoint().value();
  EXPECT_EQ(checkpoint.tree_size, size);
  auto leaf = reader_->entry(3).value().leaf;
  auto proof = reader_->inclusion_proof(3, size);
  ASSERT_TRUE(proof);
  EXPECT_TRUE(crypto::verify_inclusion(3, size, crypto::leaf_hash(leaf), proof.value(),
                                       checkpoint.root_hash));
  // Every batch issued a checkpoint, so size 3 (after three single-command batches) has one.
  auto old = merkle_root(reader_->db(), 3).value();
  auto consistency = reader_->consistency_proof(3, size);
  ASSERT_TRUE(consistency) << consistency.error().detail;
  EXPECT_TRUE(crypto::verify_consistency(3, size, old, checkpoint.root_hash, consistency.value()));
  EXPECT_REFUSED(reader_->inclusion_proof(static_cast<Seq>(size), size), Errc::invalid_argument);
  EXPECT_REFUSED(reader_->consistency_proof(size, size + 1), Errc::not_found);
  EXPECT_TRUE(reader_->consistency_proof(0, size).value().empty());
}

TEST_F(Audit, EntrySignaturesVerifyWithOpensslAndTheRootWithAnIndependentScript) {
  auto out = export_now();
  auto key = crypto::parse_verifier_key(key_line_).value();
  // Ed25519 SubjectPublicKeyInfo (RFC 8410): a fixed 12-byte DER prefix, then the 32-byte key.
  std::vector<std::uint8_t> der = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                   0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  der.insert(der.end(), key.public_key.bytes().begin(), key.public_key.bytes().end());
  write_text(dir_.file("public.pem"),
             "-----BEGIN PUBLIC KEY-----\n" + crypto::base64_encode(der) + "\n-----END PUBLIC KEY-----\n");
  auto leaf = reader_->entry(3).value().leaf;
  auto signature = reader_->signature(3).value();
  write_text(dir_.file("leaf.bin"), leaf);
  write_text(dir_.file("leaf.sig"), std::string(signature.begin(), signature.end()));
  std::string verify_command = "openssl pkeyutl -verify -pubin -inkey " + dir_.file("public.pem") +
                               " -rawin -in " + dir_.file("leaf.bin") + " -sigfile " +
                               dir_.file("leaf.sig") + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(verify_command.c_str()), 0);
  write_text(dir_.file("leaf.bin"), leaf + "\n");  // a trailing newline is another leaf
  EXPECT_NE(std::system(verify_command.c_str()), 0);

  std::string script = std::string(PARDNER_SOURCE_DIR) + "/tests/tools/merkle_root.py";
  EXPECT_EQ(std::system(("python3 " + script + " " + out + " >/dev/null").c_str()), 0);
  edit_entries(out, [](auto& lines) { lines.pop_back(); });
  EXPECT_NE(std::system(("python3 " + script + " " + out + " >/dev/null").c_str()), 0);
}

}  // namespace
}  // namespace pardner::ledger::testing
