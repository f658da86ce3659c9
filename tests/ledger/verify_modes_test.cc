// The verifier on a log of several batches: signatures checked on several threads still name
// exactly the entry a one-at-a-time check would meet first, and the sampled and unchecked
// signature modes still check the checkpoint's signature and every leaf's hash.
#include <boost/json.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "crypto/base64.h"
#include "crypto/checkpoint.h"
#include "ledger/audit_export.h"
#include "ledger/audit_verify.h"
#include "ledger/canonical_json.h"
#include "ledger/log_key.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/support/text_file.h"

namespace pardner::ledger::testing {
namespace {

using pardner::testing::read_text;
using pardner::testing::write_text;

std::string base64(std::string_view bytes) {
  return crypto::base64_encode({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

std::string unbase64(const boost::json::value& text) {
  auto bytes = crypto::base64_decode(text.as_string()).value();
  return {bytes.begin(), bytes.end()};
}

// 2,600 entries: two full batches of the verifier's 1,024 and a partial third.
constexpr int log_entries = 2'600;

class VerifyModes : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    auto cash = open("assets:cash", AccountType::asset);
    auto savings = open("liabilities:members:0001:savings", AccountType::liability);
    std::vector<Command> batch;
    for (int i = 2; i < log_entries; ++i) {
      batch.push_back(make_transfer(next_key(), cash, savings, 100 + i));
    }
    for (auto& done : writer_->submit_all(std::move(batch))) ASSERT_TRUE(done.get());
    ASSERT_EQ(reader_->log_size().value(), log_entries);
    key_line_ = read_text(verifier_key_path(dir_.path()));
    while (!key_line_.empty() && key_line_.back() == '\n') key_line_.pop_back();
    export_dir_ = dir_.file("export");
    ASSERT_TRUE(export_ledger(dir_.path(), export_dir_));
    std::stringstream lines(read_text(export_dir_ + "/entries.jsonl"));
    for (std::string line; std::getline(lines, line);) lines_.push_back(line);
    ASSERT_EQ(lines_.size(), static_cast<std::size_t>(log_entries));
  }

  Result<VerifyReport> verify(unsigned threads, SignatureCheck signatures = SignatureCheck::all,
                              std::uint64_t sample = 0, ReplayCheck replay = ReplayCheck::full) {
    std::string text;
    for (const auto& line : lines_) text += line + "\n";
    write_text(export_dir_ + "/entries.jsonl", text);
    VerifyOptions options;
    options.pinned_key = key_line_;
    options.threads = threads;
    options.signatures = signatures;
    options.signature_sample_count = sample;
    options.sample_seed = 7;
    options.replay = replay;
    return verify_export(export_dir_, options);
  }

  boost::json::object line(int seq) {
    return boost::json::parse(lines_.at(static_cast<std::size_t>(seq))).as_object();
  }
  void set_line(int seq, const boost::json::object& object) {
    lines_.at(static_cast<std::size_t>(seq)) = boost::json::serialize(object);
  }

  void flip_signature(int seq) {
    auto object = line(seq);
    std::string signature = unbase64(object["signature"]);
    signature[10] = static_cast<char>(signature[10] ^ 0x01);
    object["signature"] = base64(signature);
    set_line(seq, object);
  }

  // Changes entry `seq`'s memo and signs the new leaf with the ledger's own key: replay accepts
  // it and its signature verifies, so only the leaf's hash (under the checkpoint) can tell.
  void rewrite_memo_and_resign(int seq) {
    auto object = line(seq);
    auto fields = boost::json::parse(unbase64(object["leaf"])).as_object();
    fields["memo"] = "rewritten";
    std::string leaf = canonical_json(fields);
    auto key = load_log_key(dir_.path()).value();
    auto signature = key.key.sign(leaf);
    object["leaf"] = base64(leaf);
    object["signature"] =
        base64({reinterpret_cast<const char*>(signature.data()), signature.size()});
    set_line(seq, object);
  }

  std::string key_line_, export_dir_;
  std::vector<std::string> lines_;
};

void expect_refused(const Result<VerifyReport>& report, const std::string& detail) {
  ASSERT_FALSE(report) << "tampering went unnoticed";
  EXPECT_EQ(report.error().detail, detail);
}

TEST_F(VerifyModes, EveryThreadCountVerifiesTheUntouchedLogAlike) {
  for (unsigned threads : {1u, 2u, 4u}) {
    auto report = verify(threads);
    ASSERT_TRUE(report) << threads << " threads: " << report.error().detail;
    EXPECT_EQ(report.value().entries, static_cast<std::uint64_t>(log_entries));
    EXPECT_EQ(report.value().signatures_checked, static_cast<std::uint64_t>(log_entries));
    EXPECT_EQ(report.value().trial_balance, reader_->trial_balance().value());
  }
}

TEST_F(VerifyModes, ATamperedSignatureIsNamedExactlyWhateverTheThreads) {
  // Batch edges (1,023 | 1,024), a batch's middle, the first and the last entry.
  for (int seq : {0, 1023, 1024, 2048, 2100, log_entries - 1}) {
    auto saved = lines_;
    flip_signature(seq);
    for (unsigned threads : {1u, 4u}) {
      SCOPED_TRACE("seq " + std::to_string(seq) + ", " + std::to_string(threads) + " threads");
      expect_refused(verify(threads), "entry " + std::to_string(seq) +
                                          ": signature does not verify with the "
                                          "trusted key");
    }
    lines_ = saved;
  }
}

TEST_F(VerifyModes, TheFirstOfSeveralFailuresIsNamedWhateverTheThreads) {
  // A later batch's bad signature may be found by the pool before an earlier entry's; the
  // earlier one is still the one named.
  flip_signature(2500);
  flip_signature(1500);
  lines_.at(1200) = "{\"seq\":1200}";  // the source refuses this line
  flip_signature(1100);
  for (unsigned threads : {1u, 2u, 4u}) {
    expect_refused(verify(threads), "entry 1100: signature does not verify with the trusted key");
  }
  flip_signature(1100);  // restored: now the malformed line comes first
  for (unsigned threads : {1u, 2u, 4u}) {
    expect_refused(verify(threads), "entry 1200: needs seq, leaf and signature");
  }
  std::swap(lines_.at(900), lines_.at(901));  // a seq out of place before it
  for (unsigned threads : {1u, 2u, 4u}) {
    expect_refused(verify(threads), "entry 900: found seq 901 where 900 belongs");
  }
}

TEST_F(VerifyModes, RandomTamperingIsNamedTheSameByOneThreadAndByFour) {
  std::random_device device;
  const auto seed = device();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (int round = 0; round < 6; ++round) {
    auto saved = lines_;
    for (int i = 0; i < 3; ++i) {
      const int seq = static_cast<int>(rng() % log_entries);
      if (rng() % 2 == 0) {
        flip_signature(seq);
      } else {
        rewrite_memo_and_resign(seq);
      }
    }
    auto one = verify(1);
    auto four = verify(4);
    ASSERT_FALSE(one);
    ASSERT_FALSE(four);
    EXPECT_EQ(one.error().detail, four.error().detail);
    lines_ = saved;
  }
}

TEST_F(VerifyModes, NoSignatureChecksStillCheckEveryHashAndTheCheckpointSignature) {
  flip_signature(1500);
  auto report = verify(2, SignatureCheck::none);
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value().signatures_checked, 0u);
  EXPECT_EQ(report.value().trial_balance, reader_->trial_balance().value());

  rewrite_memo_and_resign(1700);
  expect_refused(verify(2, SignatureCheck::none),
                 "the Merkle root of the entries differs from the checkpoint's root");

  auto genuine = crypto::open_checkpoint(read_text(export_dir_ + "/checkpoint"),
                                         crypto::parse_verifier_key(key_line_).value());
  ASSERT_TRUE(genuine);
  write_text(export_dir_ + "/checkpoint",
             crypto::sign_checkpoint(genuine.value(), crypto::SigningKey::generate()).value());
  auto refused = verify(2, SignatureCheck::none);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("checkpoint: unknown_key"), std::string::npos);
}

TEST_F(VerifyModes, ASampleChecksThatManySignaturesAndEveryHash) {
  auto report = verify(2, SignatureCheck::sample, 100);
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value().signatures_checked, 100u);
  EXPECT_EQ(report.value().sample_seed, 7u);
  // A sample larger than the log checks every signature, so it catches any bad one.
  auto whole = verify(2, SignatureCheck::sample, log_entries + 1);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole.value().signatures_checked, static_cast<std::uint64_t>(log_entries));
  flip_signature(2222);
  expect_refused(verify(2, SignatureCheck::sample, log_entries),
                 "entry 2222: signature does not verify with the trusted key");

  flip_signature(2222);  // restored
  rewrite_memo_and_resign(5);
  expect_refused(verify(2, SignatureCheck::sample, 1),
                 "the Merkle root of the entries differs from the checkpoint's root");
}

TEST_F(VerifyModes, TheSameSeedDrawsTheSameSample) {
  // Every signature bad: the sample fails at the first entry it draws, the same one each run.
  for (int seq = 0; seq < log_entries; ++seq) flip_signature(seq);
  std::string first;
  for (int run = 0; run < 3; ++run) {
    auto report = verify(2, SignatureCheck::sample, 100);
    ASSERT_FALSE(report);
    if (run == 0) first = report.error().detail;
    EXPECT_EQ(report.error().detail, first);
  }
  // "entry N: ...": mend N, and the sample fails at the next entry it drew, further on.
  const int drawn = std::stoi(first.substr(first.find(' ') + 1));
  EXPECT_LT(drawn, log_entries);
  flip_signature(drawn);
  auto next = verify(2, SignatureCheck::sample, 100);
  ASSERT_FALSE(next);
  const std::string& detail = next.error().detail;
  EXPECT_GT(std::stoi(detail.substr(detail.find(' ') + 1)), drawn) << detail;
}

// The replay is the only thing --replay balances changes: signatures, seqs, hashes and the
// checkpoint are checked alike, and the first failure is named alike.
TEST_F(VerifyModes, TheBalancesOnlyReplayChecksEverythingElseAlike) {
  for (unsigned threads : {1u, 2u}) {
    auto report = verify(threads, SignatureCheck::all, 0, ReplayCheck::balances);
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report.value().replay, ReplayCheck::balances);
    EXPECT_EQ(report.value().entries, static_cast<std::uint64_t>(log_entries));
    EXPECT_EQ(report.value().signatures_checked, static_cast<std::uint64_t>(log_entries));
    EXPECT_EQ(report.value().trial_balance, reader_->trial_balance().value());
  }
  flip_signature(2500);
  lines_.at(1200) = "{\"seq\":1200}";
  flip_signature(1100);
  expect_refused(verify(2, SignatureCheck::all, 0, ReplayCheck::balances),
                 "entry 1100: signature does not verify with the trusted key");
  flip_signature(1100);
  expect_refused(verify(2, SignatureCheck::none, 0, ReplayCheck::balances),
                 "entry 1200: needs seq, leaf and signature");
}

TEST(ReplayCheckOption, TakesFullOrBalancesAndNothingElse) {
  VerifyOptions options;
  ASSERT_TRUE(parse_replay_check("balances", options));
  EXPECT_EQ(options.replay, ReplayCheck::balances);
  ASSERT_TRUE(parse_replay_check("full", options));
  EXPECT_EQ(options.replay, ReplayCheck::full);
  for (const char* text : {"", "Full", "balance", "balances ", "none"}) {
    auto parsed = parse_replay_check(text, options);
    ASSERT_FALSE(parsed) << '"' << text << '"';
    EXPECT_EQ(parsed.error().code, Errc::invalid_argument);
  }
}

TEST(SignatureCheckOption, TakesAllSampleOfNOrNoneAndNothingElse) {
  const std::pair<const char*, bool> cases[] = {
      {"all", true},        {"none", true},       {"sample:1", true},
      {"sample:250", true}, {"", false},          {"ALL", false},
      {"some", false},      {"sample", false},    {"sample:", false},
      {"sample:0", false},  {"sample:-1", false}, {"sample:+3", false},
      {"sample:1x", false}, {"sample: 3", false}, {"sample:99999999999999999999", false},
  };
  for (const auto& [text, accepted] : cases) {
    VerifyOptions options;
    auto parsed = parse_signature_check(text, options);
    EXPECT_EQ(parsed.has_value(), accepted) << '"' << text << '"';
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, Errc::invalid_argument);
    }
  }
  VerifyOptions options;
  ASSERT_TRUE(parse_signature_check("sample:250", options));
  EXPECT_EQ(options.signatures, SignatureCheck::sample);
  EXPECT_EQ(options.signature_sample_count, 250u);
  ASSERT_TRUE(parse_signature_check("none", options));
  EXPECT_EQ(options.signatures, SignatureCheck::none);
}

}  // namespace
}  // namespace pardner::ledger::testing
