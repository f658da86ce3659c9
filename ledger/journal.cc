// Journal text: "DATE DESCRIPTION" then one indented "ACCOUNT  AMOUNT CUR" line per posting,
// amounts with the currency's decimals; the entry's seq is kept as a "; seq:" comment so an
// auditor can go from a journal line back to the signed entry.
#include "ledger/journal.h"

#include <boost/json.hpp>

#include "ledger/currency.h"

namespace pardner::ledger {

std::string format_amount(Minor amount, int exponent) {
  // Work on the magnitude as unsigned: the most negative int64 has no int64 negative.
  bool negative = amount < 0;
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(amount)
                                     : static_cast<std::uint64_t>(amount);
  std::string digits = std::to_string(magnitude);
  auto places = static_cast<std::size_t>(exponent);
  if (places > 0) {
    if (digits.size() <= places) digits.insert(0, places - digits.size() + 1, '0');
    digits.insert(digits.size() - places, ".");
  }
  return negative ? "-" + digits : digits;
}

void JournalWriter::add(const Entry& entry) {
  // Entries reach the journal before anyone has verified them, so every field is checked and
  // a malformed entry is skipped rather than trusted.
  const auto& f = entry.fields;
  switch (entry.kind) {
    case EntryKind::account_opened: {
      auto id = int_field(f, "account");
      auto code = string_field(f, "code");
      auto currency = string_field(f, "currency");
      if (!id || !code || !currency) return;
      auto known = find_currency(currency.value());
      accounts_[id.value()] = {code.value(), currency.value(), known ? known->exponent : 2};
      return;
    }
    case EntryKind::transaction: {
      auto id = int_field(f, "transaction");
      auto phase = string_field(f, "phase");
      auto memo = optional_string_field(f, "memo");
      if (!id || !phase || !memo) return;
      if (phase.value() == "pending") {
        memos_[id.value()] = memo.value().value_or("");
        return;
      }
      write_transaction(entry, memo.value().value_or(""));
      return;
    }
    case EntryKind::pending_posted: {
      auto id = int_field(f, "transaction");
      if (!id) return;
      write_transaction(entry, memos_[id.value()]);
      memos_.erase(id.value());
      return;
    }
    case EntryKind::pending_voided:
    case EntryKind::pending_expired: {
      auto id = int_field(f, "transaction");
      if (id) memos_.erase(id.value());
      return;
    }
    case EntryKind::member_created:
    case EntryKind::member_status_changed:
    case EntryKind::account_closed:
    case EntryKind::account_floor_changed:
    // Loan entries move no money themselves: their transactions are entries of their own.
    case EntryKind::loan_fund_created:
    case EntryKind::loan_product_created:
    case EntryKind::loan_applied:
    case EntryKind::loan_approved:
    case EntryKind::loan_rejected:
    case EntryKind::loan_withdrawn:
    case EntryKind::loan_disbursed:
    case EntryKind::loan_repaid:
    case EntryKind::loan_late_fee_charged:  // late fees are income when paid, as interest is
    case EntryKind::loan_writeoff_approved:
    case EntryKind::loan_written_off:
    case EntryKind::loan_recovered:
    // Pool entries likewise: their money is in the transaction entries before them.
    case EntryKind::pool_created:
    case EntryKind::pool_contributed:
    case EntryKind::pool_policy_set:
    case EntryKind::pool_distributed:
    case EntryKind::round_opened:
    case EntryKind::round_vote_cast:
    case EntryKind::round_closed:
    case EntryKind::dividend_declared: return;
  }
}

void JournalWriter::write_transaction(const Entry& entry, const std::string& description) {
  const auto& f = entry.fields;
  auto value_date = string_field(f, "value_date");
  auto id = int_field(f, "transaction");
  const auto* postings = f.if_contains("postings");
  if (!value_date || !id || postings == nullptr || !postings->is_array()) return;
  out_ << value_date.value() << ' ' << (description.empty() ? "transaction" : description)
       << "\n    ; seq:" << entry.seq << " transaction:" << id.value() << "\n";
  for (const auto& element : postings->get_array()) {
    if (!element.is_object()) continue;
    auto account_id = int_field(element.get_object(), "account");
    auto amount = int_field(element.get_object(), "amount");
    if (!account_id || !amount) continue;
    const AccountInfo& account = accounts_[account_id.value()];
    out_ << "    " << account.code << "  " << format_amount(amount.value(), account.exponent)
         << ' ' << account.currency << "\n";
  }
  out_ << "\n";
}

}  // namespace pardner::ledger
