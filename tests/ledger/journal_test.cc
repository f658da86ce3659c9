// The ledger-cli journal export: exact decimal amounts per currency exponent, posted only.
#include "ledger/journal.h"

#include <gtest/gtest.h>

#include <sstream>

namespace pardner::ledger {
namespace {

TEST(Journal, FormatsAmountsExactlyWithTheCurrencysDecimals) {
  EXPECT_EQ(format_amount(1205, 2), "12.05");
  EXPECT_EQ(format_amount(-5, 2), "-0.05");
  EXPECT_EQ(format_amount(0, 2), "0.00");
  EXPECT_EQ(format_amount(7, 0), "7");
  EXPECT_EQ(format_amount(1234567, 3), "1234.567");
  EXPECT_EQ(format_amount(INT64_MIN, 2), "-92233720368547758.08");
}

TEST(Journal, WritesPostedTransactionsAndLeavesPendingOnesOut) {
  std::ostringstream out;
  JournalWriter journal(out);
  auto add = [&](std::string leaf) { journal.add(decode_leaf(leaf).value()); };
  add(encode_leaf(0, 0, EntryKind::account_opened,
                  {{"account", 1}, {"code", "assets:cash"}, {"type", "asset"}, {"currency", "JPY"}, {"floor", nullptr}}));
  add(encode_leaf(1, 0, EntryKind::account_opened,
                  {{"account", 2}, {"code", "equity:capital"}, {"type", "equity"}, {"currency", "JPY"}, {"floor", nullptr}}));
  boost::json::array postings{boost::json::object{{"account", 1}, {"amount", 500}},
                              boost::json::object{{"account", 2}, {"amount", -500}}};
  add(encode_leaf(2, 0, EntryKind::transaction,
                  {{"transaction", 1}, {"postings", postings}, {"phase", "pending"}, {"memo", "held"},
                   {"value_date", "1970-01-01"}, {"idempotency_key", "a"}}));
  EXPECT_EQ(out.str(), "");
  add(encode_leaf(3, 0, EntryKind::pending_posted,
                  {{"transaction", 1}, {"postings", postings}, {"value_date", "1970-01-01"}, {"idempotency_key", "b"}}));
  EXPECT_EQ(out.str(),
            "1970-01-01 held\n    ; seq:3 transaction:1\n    assets:cash  500 JPY\n"
            "    equity:capital  -500 JPY\n\n");
}

}  // namespace
}  // namespace pardner::ledger
