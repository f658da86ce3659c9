// Keyset pagination: each page is "key > after ORDER BY key LIMIT limit + 1", the extra row only
// telling whether another page follows, so a page costs the same however deep it is and rows
// written meanwhile never shift one already handed out. Values are always bound, never spliced.
#include "ledger/listings.h"

#include "ledger/entry.h"
#include "ledger/limits.h"
#include "ledger/money.h"
#include "ledger/state.h"

namespace pardner::ledger {
namespace {

Result<Ok> check_limit(std::size_t limit) {
  if (limit < 1 || limit > list_page_max) {
    return Error{Errc::invalid_argument, "limit must be 1.." + std::to_string(list_page_max)};
  }
  return Ok{};
}

// The least string greater than every string that starts with `prefix` (bytewise, as SQLite's
// BINARY collation compares), or nullopt when there is none (a prefix of 0xFF bytes only).
// `code >= prefix AND code < successor` selects exactly the codes with that prefix, through the
// UNIQUE index on code, where LIKE would treat '_' and '%' as wildcards.
std::optional<std::string> prefix_successor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

std::string_view as_text(std::span<const std::uint8_t> blob) {
  return {reinterpret_cast<const char*>(blob.data()), blob.size()};
}

}  // namespace

Result<MemberPage> list_members(Database& db, const MemberFilter& filter,
                                std::optional<MemberId> after, std::size_t limit) {
  if (auto ok = check_limit(limit); !ok) return ok.error();
  // Two fixed statements rather than "(? IS NULL OR status = ?)", which would keep SQLite from
  // using members_by_status (schema 4) for the filtered one.
  Statement& query = filter.status
                         ? db.cached(
                               "SELECT m.id, m.status, m.created_seq, p.display_name, p.contact"
                               " FROM members m LEFT JOIN member_profiles p ON p.member_id = m.id"
                               " WHERE m.status = ? AND m.id > ? ORDER BY m.id LIMIT ?")
                         : db.cached(
                               "SELECT m.id, m.status, m.created_seq, p.display_name, p.contact"
                               " FROM members m LEFT JOIN member_profiles p ON p.member_id = m.id"
                               " WHERE m.id > ? ORDER BY m.id LIMIT ?");
  int next = 1;
  if (filter.status) query.bind(next++, wire_name(*filter.status));
  query.bind(next++, after.value_or(-1));
  query.bind(next, static_cast<std::int64_t>(limit + 1));
  MemberPage page;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    if (page.members.size() == limit) {
      page.next_after = page.members.back().id;
      break;
    }
    page.members.push_back(
        Member{query.column_int(0),
               member_status_from(query.column_text(1)).value_or(MemberStatus::active),
               query.column_int(2), query.column_optional_text(3), query.column_optional_text(4)});
  }
  query.reset();
  return page;
}

Result<AccountPage> list_accounts(Database& db, const AccountFilter& filter,
                                  std::optional<AccountId> after, std::size_t limit) {
  if (auto ok = check_limit(limit); !ok) return ok.error();
  if (filter.code_prefix.size() > account_code_bytes_max) {
    return Error{Errc::invalid_argument,
                 "code_prefix is longer than " + std::to_string(account_code_bytes_max) + " bytes"};
  }
  // Only the filters given appear in the statement, so SQLite can use accounts_by_member for an
  // owner and the code index for a prefix. The text is built from the fixed pieces below, so it
  // is prepared per call rather than cached (the cache is keyed by literal).
  std::optional<std::string> prefix_end;
  std::string sql = "SELECT ";
  sql += account_columns;
  sql += " FROM accounts WHERE id > ?";
  if (filter.owner) sql += " AND member_id = ?";
  if (filter.type) sql += " AND type = ?";
  if (!filter.code_prefix.empty()) {
    sql += " AND code >= ?";
    prefix_end = prefix_successor(filter.code_prefix);
    if (prefix_end) sql += " AND code < ?";
  }
  if (filter.currency) sql += " AND currency = ?";
  if (filter.closed) sql += " AND status = ?";
  // With a prefix, the unary + keeps SQLite from walking every account in id order to satisfy
  // ORDER BY and testing each code: it reads the prefix's range of the code index instead and
  // sorts only those rows, keeping limit + 1.
  sql += filter.code_prefix.empty() ? " ORDER BY id LIMIT ?" : " ORDER BY +id LIMIT ?";
  auto prepared = db.prepare(sql);
  if (!prepared) return prepared.error();
  Statement& query = prepared.value();
  int next = 1;
  query.bind(next++, after.value_or(-1));
  if (filter.owner) query.bind(next++, *filter.owner);
  if (filter.type) query.bind(next++, wire_name(*filter.type));
  if (!filter.code_prefix.empty()) {
    query.bind(next++, std::string_view(filter.code_prefix));
    if (prefix_end) query.bind(next++, std::string_view(*prefix_end));
  }
  if (filter.currency) query.bind(next++, std::string_view(*filter.currency));
  if (filter.closed) query.bind(next++, std::string_view(*filter.closed ? "closed" : "open"));
  query.bind(next, static_cast<std::int64_t>(limit + 1));
  AccountPage page;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    if (page.accounts.size() == limit) {
      page.next_after = page.accounts.back().account.id;
      break;
    }
    Account account = account_from_row(query);
    // The stored totals are the balance: no query per account.
    auto balance = balance_of(account);
    if (!balance) return balance.error();
    page.accounts.push_back(AccountListing{std::move(account), balance.value()});
  }
  return page;
}

Result<AccountTransactionPage> list_account_transactions(Database& db, AccountId account,
                                                         std::optional<Seq> after,
                                                         std::size_t limit) {
  if (auto ok = check_limit(limit); !ok) return ok.error();
  // Accounts are never deleted, so this check and the page need not share a snapshot.
  if (auto found = load_account(db, account); !found) return found.error();
  // Every transaction on the account has postings there from the entry that created it
  // (t.seq = p.seq): reserved ones if it began pending, else posted ones. They come in log order
  // off the account keys of the two postings tables, merged as they are read (the ORDER BY names
  // only selected columns, so SQLite merges the two scans instead of sorting: docs/ledger.md,
  // "Postings in two tables"); consecutive rows of one seq are one transaction. Stepping stops at
  // the first row past the page, so a page costs its own rows whatever the account holds.
  Statement& query = db.cached(
      "SELECT p.seq, p.idx, p.amount_minor, t.id, t.status, t.value_date, t.resolved_seq, e.leaf"
      " FROM postings p JOIN transactions t ON t.id = p.transaction_id AND t.seq = p.seq"
      " JOIN entries e ON e.seq = t.seq"
      " WHERE p.account_id = ?1 AND p.seq > ?2 ORDER BY p.seq, p.idx");
  query.bind(1, account).bind(2, after.value_or(-1));
  AccountTransactionPage page;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    Seq seq = query.column_int(0);
    if (!page.transactions.empty() && page.transactions.back().seq == seq) {
      auto sum = checked_add(page.transactions.back().amount, query.column_int(2));
      if (!sum) {
        query.reset();
        return sum.error();
      }
      page.transactions.back().amount = sum.value();
      continue;
    }
    if (page.transactions.size() == limit) {
      page.next_after = page.transactions.back().seq;
      break;
    }
    AccountTransaction item;
    item.seq = seq;
    item.amount = query.column_int(2);
    item.id = query.column_int(3);
    item.status = transaction_status_from(query.column_text(4)).value_or(TransactionStatus::posted);
    item.value_date = parse_date(query.column_text(5)).value_or(0);
    item.resolved_seq = query.column_optional_int(6);
    auto entry = decode_leaf(as_text(query.column_blob(7)));
    if (!entry) return Error{Errc::storage_failed, "unreadable entry: " + entry.error().detail};
    auto memo = optional_string_field(entry.value().fields, "memo");
    if (memo && memo.value()) item.memo = *memo.value();
    page.transactions.push_back(std::move(item));
  }
  query.reset();
  // A pending one posted later has its posted postings on the same accounts at resolved_seq:
  // what it moved is their sum. They were committed with the status read above, so they are
  // there to be read.
  Statement& posted = db.cached(
      "SELECT sum(amount_minor) FROM postings WHERE account_id = ?1 AND seq = ?2"
      " AND transaction_id = ?3 AND phase = 'posted'");
  for (AccountTransaction& item : page.transactions) {
    if (item.status != TransactionStatus::posted || !item.resolved_seq) continue;
    posted.bind(1, account).bind(2, *item.resolved_seq).bind(3, item.id);
    auto row = posted.step();
    if (!row) return row.error();
    std::optional<Minor> sum = row.value() ? posted.column_optional_int(0) : std::nullopt;
    posted.reset();
    if (!sum) {
      return Error{Errc::storage_failed, "transaction " + std::to_string(item.id) +
                                             " was posted without postings on account " +
                                             std::to_string(account)};
    }
    item.amount = *sum;
  }
  return page;
}

}  // namespace pardner::ledger
