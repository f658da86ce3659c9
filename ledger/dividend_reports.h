// Reads of the dividend tables (schema/0008_dividends.sql) for readers and the API: a dividend
// with what it paid, and one member's statement of how their payout was computed. Never writes:
// the tables change only through ledger/dividend_projection.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct DividendTransactionRef {
  TransactionId transaction = 0;
  Seq seq = 0;
  friend bool operator==(const DividendTransactionRef&, const DividendTransactionRef&) = default;
};

struct Dividend {
  std::int64_t id = 0;
  std::optional<std::int64_t> source_pool;
  AccountId source_account = 0;
  std::string currency;
  std::string share_prefix;
  std::optional<std::string> payout_prefix;
  Seq as_of_seq = 0;
  std::optional<std::int64_t> rate_bps;
  Minor amount_minor = 0;
  Minor total_shares = 0;
  Seq seq = 0;  // the dividend_declared entry
  std::vector<DividendTransactionRef> transactions;
};

struct DividendLineRow {
  AccountId share_account = 0;
  MemberId member = 0;
  Minor shares = 0;
  AccountId payout_account = 0;
  Minor amount_minor = 0;
  std::optional<TransactionId> transaction;  // none when the line's part is 0
};

struct DividendReport {
  Dividend dividend;
  std::int64_t lines = 0;         // share accounts holding shares as of as_of_seq
  std::int64_t members_paid = 0;  // lines paid more than 0
  Minor paid_minor = 0;           // equal to the dividend's amount
};

// How one member's payout was computed. Their exact proportion of the amount is
// amount * shares / total_shares = floor_minor + remainder / total_shares (0 <= remainder <
// total_shares); they were paid floor_minor, or floor_minor + 1 when the largest-remainder
// method gave them one of the leftover units.
struct DividendStatement {
  std::int64_t dividend = 0;
  MemberId member = 0;
  AccountId share_account = 0;
  Seq as_of_seq = 0;
  Minor shares = 0;  // the member's posted share balance just after entry as_of_seq
  Minor total_shares = 0;
  Minor amount_minor = 0;
  Minor floor_minor = 0;
  Minor remainder = 0;  // over total_shares
  bool leftover_unit = false;
  Minor paid_minor = 0;
  AccountId payout_account = 0;
  std::optional<TransactionId> transaction;
  std::optional<Seq> transaction_seq;
};

// not_found when the id names nothing.
Result<Dividend> load_dividend(Database& db, std::int64_t id);
// The dividend's lines by share account id.
Result<std::vector<DividendLineRow>> load_dividend_lines(Database& db, std::int64_t id);
Result<DividendReport> dividend_report(Database& db, std::int64_t id);
// not_found when the dividend does not exist or the member held no shares in it.
Result<DividendStatement> dividend_statement(Database& db, std::int64_t id, MemberId member);

}  // namespace pardner::ledger
