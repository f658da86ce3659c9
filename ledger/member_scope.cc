// Member visibility of log entries, by entry kind. A switch without default: a new entry kind
// does not build until it says whom it touches.
#include "ledger/member_scope.h"

namespace pardner::ledger {

Result<bool> MemberScope::owns_account(AccountId account) {
  if (auto known = owned_.find(account); known != owned_.end()) return known->second;
  auto found = reader_.account(account);
  bool owned = false;
  if (found) {
    owned = found.value().member == member_;
  } else if (found.error().code != Errc::not_found) {
    return found.error();
  }
  owned_.emplace(account, owned);
  return owned;
}

Result<bool> MemberScope::any_posting_owned(const boost::json::object& fields) {
  const boost::json::value* postings = fields.if_contains("postings");
  if (postings == nullptr || !postings->is_array()) return false;
  for (const boost::json::value& posting : postings->get_array()) {
    if (!posting.is_object()) continue;
    auto account = int_field(posting.get_object(), "account");
    if (!account) return account.error();
    auto owned = owns_account(account.value());
    if (!owned) return owned.error();
    if (owned.value()) return true;
  }
  return false;
}

Result<bool> MemberScope::transaction_touches(TransactionId transaction) {
  auto view = reader_.transaction(transaction);
  if (!view) {
    if (view.error().code == Errc::not_found) return false;
    return view.error();
  }
  // The entry that created the transaction names every account it reserved or moved.
  return any_posting_owned(view.value().entry.fields);
}

Result<bool> MemberScope::touches(const Entry& entry) {
  const boost::json::object& fields = entry.fields;
  switch (entry.kind) {
    case EntryKind::member_created:
    case EntryKind::member_status_changed: {
      auto member = int_field(fields, "member");
      if (!member) return member.error();
      return member.value() == member_;
    }
    case EntryKind::account_opened: {
      auto member = optional_int_field(fields, "member");
      if (!member) return member.error();
      return member.value() == member_;
    }
    case EntryKind::account_closed:
    case EntryKind::account_floor_changed: {
      auto account = int_field(fields, "account");
      if (!account) return account.error();
      return owns_account(account.value());
    }
    case EntryKind::transaction:
    case EntryKind::pending_posted:
      return any_posting_owned(fields);
    case EntryKind::pending_voided:
    case EntryKind::pending_expired: {
      auto transaction = int_field(fields, "transaction");
      if (!transaction) return transaction.error();
      return transaction_touches(transaction.value());
    }
    // A fund and its products are the community's, not one member's.
    case EntryKind::loan_fund_created:
    case EntryKind::loan_product_created: return false;
    // Every entry about one loan names its borrower, so this needs no lookup.
    case EntryKind::loan_applied:
    case EntryKind::loan_approved:
    case EntryKind::loan_rejected:
    case EntryKind::loan_withdrawn:
    case EntryKind::loan_disbursed:
    case EntryKind::loan_repaid:
    case EntryKind::loan_late_fee_charged:
    case EntryKind::loan_writeoff_approved:
    case EntryKind::loan_written_off:
    case EntryKind::loan_recovered: {
      auto member = int_field(fields, "member");
      if (!member) return member.error();
      return member.value() == member_;
    }
    // A pool and its policies are the community's; a contribution or a distribution touches
    // whoever's account its transaction moved, and a contribution also its named contributor.
    case EntryKind::pool_created:
    case EntryKind::pool_policy_set:
    case EntryKind::round_opened: return false;
    case EntryKind::round_vote_cast: {
      auto member = int_field(fields, "member");
      if (!member) return member.error();
      return member.value() == member_;
    }
    case EntryKind::round_closed: {
      auto transaction = optional_int_field(fields, "transaction");
      if (!transaction) return transaction.error();
      if (!transaction.value()) return false;
      return transaction_touches(*transaction.value());
    }
    case EntryKind::pool_contributed: {
      auto contributor = optional_int_field(fields, "contributor_member");
      if (!contributor) return contributor.error();
      if (contributor.value() == member_) return true;
      [[fallthrough]];
    }
    case EntryKind::pool_distributed: {
      auto transaction = int_field(fields, "transaction");
      if (!transaction) return transaction.error();
      return transaction_touches(transaction.value());
    }
    // A dividend touches the members whose accounts one of its transactions paid.
    case EntryKind::dividend_declared: {
      const boost::json::value* named = fields.if_contains("transactions");
      if (named == nullptr || !named->is_array()) return false;
      for (const boost::json::value& element : named->get_array()) {
        if (!element.is_object()) continue;
        auto transaction = int_field(element.get_object(), "transaction");
        if (!transaction) return transaction.error();
        auto touched = transaction_touches(transaction.value());
        if (!touched || touched.value()) return touched;
      }
      return false;
    }
  }
  return false;  // unreachable: every kind returns above
}

}  // namespace pardner::ledger
