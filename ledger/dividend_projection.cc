// dividend_declared onto the dividend tables. The entry records only the inputs (source, share
// prefix, payout prefix, as_of_seq, amount or rate) and the figures they give (amount, total
// shares, the transactions); the lines are recomputed here from the postings as of as_of_seq,
// which replay has already rebuilt, and the named transactions must pay exactly them.
#include "ledger/dividend_projection.h"

#include <boost/json.hpp>

#include "ledger/dividend_plan.h"
#include "ledger/pool_store.h"
#include "ledger/state.h"

namespace pardner::ledger {
namespace {

struct NamedTransaction {
  TransactionId id = 0;
  Seq seq = 0;
};

Error mismatch(const Entry& entry, std::int64_t dividend, const std::string& what) {
  return Error{Errc::invalid_argument, "dividend_declared at seq " + std::to_string(entry.seq) +
                                           ": dividend " + std::to_string(dividend) + ": " + what};
}

Result<std::vector<NamedTransaction>> transactions_field(const boost::json::object& fields) {
  const auto* value = fields.if_contains("transactions");
  if (value == nullptr || !value->is_array()) {
    return Error{Errc::invalid_argument, "missing transactions array"};
  }
  std::vector<NamedTransaction> named;
  for (const auto& element : value->get_array()) {
    if (!element.is_object()) return Error{Errc::invalid_argument, "transaction is not an object"};
    auto id = int_field(element.get_object(), "transaction");
    auto seq = int_field(element.get_object(), "seq");
    if (!id) return id.error();
    if (!seq) return seq.error();
    named.push_back({id.value(), seq.value()});
  }
  return named;
}

std::string postings_text(const std::vector<Posting>& postings) {
  std::string text;
  for (const Posting& p : postings) {
    if (!text.empty()) text += ", ";
    text += std::to_string(p.account) + ":" + std::to_string(p.amount);
  }
  return text;
}

// Each named transaction is a posted one appended after as_of_seq and before this entry, and its
// postings are exactly the plan's, in order.
Result<Ok> expect_transactions(Database& db, const Entry& entry, std::int64_t dividend,
                               Seq as_of_seq, const std::vector<NamedTransaction>& named,
                               const DividendPlan& plan) {
  if (named.size() != plan.transactions.size()) {
    return mismatch(entry, dividend,
                    "names " + std::to_string(named.size()) + " transactions, the log gives " +
                        std::to_string(plan.transactions.size()));
  }
  for (std::size_t i = 0; i < named.size(); ++i) {
    auto row = load_transaction(db, named[i].id);
    if (!row) return mismatch(entry, dividend, row.error().detail);
    if (row.value().seq != named[i].seq || named[i].seq <= as_of_seq || named[i].seq >= entry.seq) {
      return mismatch(entry, dividend,
                      "transaction " + std::to_string(named[i].id) + " is not at seq " +
                          std::to_string(named[i].seq) + " between as_of_seq and the entry");
    }
    auto rows = load_transaction_postings(db, named[i].id, false);
    if (!rows) return rows.error();
    std::vector<Posting> actual;
    for (const PostingRow& posting : rows.value())
      actual.push_back({posting.account, posting.amount});
    if (actual != plan.transactions[i]) {
      return mismatch(entry, dividend,
                      "transaction " + std::to_string(named[i].id) + " pays " +
                          postings_text(actual) + ", the log gives " +
                          postings_text(plan.transactions[i]));
    }
  }
  return Ok{};
}

Result<Ok> store(Database& db, const Entry& entry, std::int64_t dividend,
                 const DividendInputs& inputs, std::optional<std::int64_t> source_pool,
                 const std::vector<NamedTransaction>& named, const DividendPlan& plan) {
  auto inserted = db.cached(
                        "INSERT INTO dividends (id, source_pool, source_account, currency,"
                        " share_prefix, payout_prefix, as_of_seq, rate_bps, amount_minor,"
                        " total_shares, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                      .bind(1, dividend)
                      .bind(2, source_pool)
                      .bind(3, inputs.source_account)
                      .bind(4, std::string_view(inputs.currency))
                      .bind(5, std::string_view(inputs.share_prefix))
                      .bind(6, inputs.payout_prefix)
                      .bind(7, inputs.as_of_seq)
                      .bind(8, inputs.rate_bps)
                      .bind(9, plan.amount_minor)
                      .bind(10, plan.total_shares)
                      .bind(11, entry.seq)
                      .run();
  if (!inserted) return inserted;
  for (std::size_t i = 0; i < named.size(); ++i) {
    auto done = db.cached(
                      "INSERT INTO dividend_transactions (dividend_id, idx, transaction_id, seq)"
                      " VALUES (?, ?, ?, ?)")
                    .bind(1, dividend)
                    .bind(2, static_cast<std::int64_t>(i))
                    .bind(3, named[i].id)
                    .bind(4, named[i].seq)
                    .run();
    if (!done) return done;
  }
  for (const DividendLine& line : plan.lines) {
    std::optional<std::int64_t> transaction;
    if (line.transaction_index >= 0) {
      transaction = named[static_cast<std::size_t>(line.transaction_index)].id;
    }
    auto done = db.cached(
                      "INSERT INTO dividend_lines (dividend_id, share_account, member_id, shares,"
                      " payout_account, amount_minor, transaction_id) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(1, dividend)
                    .bind(2, line.share_account)
                    .bind(3, line.member)
                    .bind(4, line.shares)
                    .bind(5, line.payout_account)
                    .bind(6, line.amount_minor)
                    .bind(7, transaction)
                    .run();
    if (!done) return done;
  }
  return Ok{};
}

}  // namespace

Result<Ok> apply_dividend_declared(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto dividend = int_field(f, "dividend");
  auto source_account = int_field(f, "source_account");
  auto as_of_seq = int_field(f, "as_of_seq");
  auto amount = int_field(f, "amount");
  auto total_shares = int_field(f, "total_shares");
  auto share_accounts = int_field(f, "share_accounts");
  for (const auto* field :
       {&dividend, &source_account, &as_of_seq, &amount, &total_shares, &share_accounts}) {
    if (!*field) return field->error();
  }
  auto source_pool = optional_int_field(f, "source_pool");
  auto rate_bps = optional_int_field(f, "rate_bps");
  auto currency = string_field(f, "currency");
  auto share_prefix = string_field(f, "share_prefix");
  auto payout_prefix = optional_string_field(f, "payout_prefix");
  auto named = transactions_field(f);
  if (!source_pool) return source_pool.error();
  if (!rate_bps) return rate_bps.error();
  if (!currency) return currency.error();
  if (!share_prefix) return share_prefix.error();
  if (!payout_prefix) return payout_prefix.error();
  if (!named) return named.error();
  const std::int64_t id = dividend.value();

  if (source_pool.value()) {
    auto pool = load_pool(db, *source_pool.value());
    if (!pool) return mismatch(entry, id, pool.error().detail);
    if (pool.value().account != source_account.value()) {
      return mismatch(entry, id, "source_account is not the source pool's account");
    }
  }
  auto source = load_account(db, source_account.value());
  if (!source) return mismatch(entry, id, source.error().detail);
  if (source.value().currency != currency.value()) {
    return mismatch(entry, id, "currency is not the source account's");
  }
  if (as_of_seq.value() < 0 || as_of_seq.value() >= entry.seq) {
    return mismatch(entry, id, "as_of_seq is not an earlier entry");
  }
  if (rate_bps.value() && (*rate_bps.value() < 1 || *rate_bps.value() > 10'000)) {
    return mismatch(entry, id, "rate_bps out of range");
  }
  if (!rate_bps.value() && (amount.value() < 1 || amount.value() > json_amount_max)) {
    return mismatch(entry, id, "amount out of range");
  }
  DividendInputs inputs{.source_account = source_account.value(),
                        .currency = currency.value(),
                        .share_prefix = share_prefix.value(),
                        .payout_prefix = payout_prefix.value(),
                        .as_of_seq = as_of_seq.value()};
  if (rate_bps.value()) {
    inputs.rate_bps = rate_bps.value();
  } else {
    inputs.amount_minor = amount.value();
  }
  auto plan = plan_dividend(db, inputs);
  if (!plan) return mismatch(entry, id, plan.error().detail);
  if (plan.value().total_shares != total_shares.value()) {
    return mismatch(entry, id,
                    "total_shares is " + std::to_string(total_shares.value()) + ", the log gives " +
                        std::to_string(plan.value().total_shares));
  }
  if (plan.value().amount_minor != amount.value()) {
    return mismatch(entry, id,
                    "amount is " + std::to_string(amount.value()) + ", the log gives " +
                        std::to_string(plan.value().amount_minor));
  }
  if (static_cast<std::int64_t>(plan.value().lines.size()) != share_accounts.value()) {
    return mismatch(entry, id,
                    "share_accounts is " + std::to_string(share_accounts.value()) +
                        ", the log gives " + std::to_string(plan.value().lines.size()));
  }
  if (auto paid =
          expect_transactions(db, entry, id, as_of_seq.value(), named.value(), plan.value());
      !paid) {
    return paid;
  }
  return store(db, entry, id, inputs, source_pool.value(), named.value(), plan.value());
}

}  // namespace pardner::ledger
