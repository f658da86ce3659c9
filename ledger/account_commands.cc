// Opening and closing accounts and changing their floors. Only an account with nothing posted
// on balance and nothing pending can close; a closed account refuses postings thereafter.
#include <boost/json.hpp>

#include "ledger/currency.h"
#include "ledger/operations.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

boost::json::value floor_value(const std::optional<Minor>& floor) {
  if (floor) return *floor;
  return nullptr;
}

Result<Ok> check_floor(const std::optional<Minor>& floor) {
  if (floor && (*floor > json_amount_max || *floor < -json_amount_max)) {
    return Error{Errc::invalid_argument, "floor exceeds 2^53 - 1 minor units"};
  }
  return Ok{};
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const OpenAccount& command) {
  if (auto ok = check_account_code(command.code); !ok) return ok.error();
  std::string currency = command.currency.empty() ? txn.settings().currency : command.currency;
  if (!find_currency(currency)) {
    return Error{Errc::invalid_argument, "currency " + currency + " is not an ISO 4217 code"};
  }
  if (auto ok = check_floor(command.floor); !ok) return ok.error();
  // A member's account cannot be overdrawn unless an admin grants a credit line (a negative
  // floor) when opening it; the bank's own accounts have no floor unless given one.
  std::optional<Minor> floor = command.floor;
  if (!floor && command.member) floor = 0;
  if (command.member) {
    auto status = load_member_status(txn.db(), *command.member);
    if (!status) return status.error();
  }
  Statement& taken = txn.db().cached("SELECT 1 FROM accounts WHERE code = ?");
  taken.bind(1, std::string_view(command.code));
  auto exists = taken.step();
  taken.reset();
  if (!exists) return exists.error();
  if (exists.value()) return Error{Errc::already_exists, "account code " + command.code + " is taken"};
  auto id = next_id(txn.db(), "SELECT max(id) FROM accounts");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  boost::json::object fields{{"account", id.value()},
                             {"code", command.code},
                             {"type", wire_name(command.type)},
                             {"currency", currency},
                             {"floor", floor_value(floor)}};
  if (command.member) fields["member"] = *command.member;
  auto entry = txn.append(EntryKind::account_opened, std::move(fields));
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

Result<Applied> apply(WriteTxn& txn, const CloseAccount& command) {
  auto account = txn.account(command.account);
  if (!account) return account.error();
  const Account& a = account.value();
  if (a.closed) return Error{Errc::account_closed, "account " + a.code + " is already closed"};
  if (a.debits_pending != 0 || a.credits_pending != 0) {
    return Error{Errc::account_not_empty, "account " + a.code + " has pending amounts"};
  }
  if (a.debits_posted != a.credits_posted) {
    return Error{Errc::account_not_empty, "account " + a.code + " has a non-zero balance"};
  }

  // Validated. From here on a failure is storage_failed.
  auto entry = txn.append(EntryKind::account_closed, {{"account", command.account}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, command.account};
}

Result<Applied> apply(WriteTxn& txn, const SetAccountFloor& command) {
  if (auto ok = check_floor(command.floor); !ok) return ok.error();
  auto account = txn.account(command.account);
  if (!account) return account.error();
  if (account.value().closed) {
    return Error{Errc::account_closed, "account " + account.value().code + " is closed"};
  }

  // Validated. From here on a failure is storage_failed. A floor above the current balance is
  // allowed: it stops further withdrawals without touching what is already there.
  auto entry = txn.append(EntryKind::account_floor_changed,
                          {{"account", command.account}, {"floor", floor_value(command.floor)}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, command.account};
}

}  // namespace pardner::ledger
