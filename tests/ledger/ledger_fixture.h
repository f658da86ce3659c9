// A real ledger in a temp directory: a real SQLite file, the real writer on its own thread, a
// manual clock the test moves, and a reader. Helpers open accounts and move money.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/writer.h"
#include "tests/support/temp_dir.h"

namespace pardner::ledger::testing {

// 2026-11-22T12:00:00Z
inline constexpr Timestamp fixture_start = 1795348800LL * micros_per_second;

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Settings settings;
    settings.name = "test";
    ASSERT_TRUE(init_ledger(dir_.path(), settings));
    start_writer();
  }

  void start_writer() {
    auto key = load_log_key(dir_.path());
    ASSERT_TRUE(key) << key.error().detail;
    auto writer = Writer::start(database_path(dir_.path()), clock_, key.value(), writer_options_);
    ASSERT_TRUE(writer) << writer.error().detail;
    writer_ = std::move(writer.value());
    auto reader = Reader::open(database_path(dir_.path()));
    ASSERT_TRUE(reader) << reader.error().detail;
    reader_ = std::make_unique<Reader>(std::move(reader.value()));
  }

  Result<Applied> submit(Command command) { return writer_->submit_and_wait(std::move(command)); }

  AccountId open(const std::string& code, AccountType type, std::optional<Minor> floor = {},
                 const std::string& currency = "GBP") {
    OpenAccount command{.code = code, .type = type, .currency = currency, .floor = floor};
    auto opened = submit(command);
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().detail);
    return opened ? opened.value().id : 0;
  }

  std::string next_key() { return "key-" + std::to_string(++keys_); }

  Result<Applied> transfer(AccountId debit, AccountId credit, Minor amount) {
    return submit(make_transfer(next_key(), debit, credit, amount));
  }

  Minor balance(AccountId id) {
    auto b = reader_->balance(id);
    EXPECT_TRUE(b) << (b ? "" : b.error().detail);
    return b ? b.value().balance : 0;
  }

  // Rows in "postings_recent", "postings_recent_b" or "postings_merged"
  // (schema/0011_postings_recent.sql, schema/0013_postings_merged_in_steps.sql).
  std::int64_t postings_rows(const std::string& table) {
    Statement& query = reader_->db().cached(
        table == "postings_recent"     ? "SELECT count(*) FROM postings_recent"
        : table == "postings_recent_b" ? "SELECT count(*) FROM postings_recent_b"
                                       : "SELECT count(*) FROM postings_merged");
    auto row = query.step();
    EXPECT_TRUE(row && row.value());
    std::int64_t n = query.column_int(0);
    query.reset();
    return n;
  }

  std::string db_path() const { return database_path(dir_.path()); }

  pardner::testing::TempDir dir_;
  ManualClock clock_{fixture_start};
  // Set before start_writer() to change them. Postings are merged every few entries, a few at
  // a step, so every test that reads balances, statements or listings reads some postings from
  // each of the tables, most often with a merge under way (schema/0011_postings_recent.sql,
  // schema/0013_postings_merged_in_steps.sql).
  WriterOptions writer_options_{.postings_merge_entries = 5, .postings_merge_step = 3};
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<Reader> reader_;
  int keys_ = 0;
};

// Expects a refusal with exactly `code`.
#define EXPECT_REFUSED(result, expected_code)                                    \
  do {                                                                          \
    auto&& refused_ = (result);                                                 \
    ASSERT_FALSE(refused_) << "expected " << wire_name(expected_code);          \
    EXPECT_EQ(wire_name(refused_.error().code), wire_name(expected_code))       \
        << refused_.error().detail;                                             \
  } while (0)

}  // namespace pardner::ledger::testing
