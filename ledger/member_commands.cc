// Members: the log records only a member's id and status; the name and contact given at
// creation go to member_profiles, outside the log, in the same SQLite transaction.
#include <boost/json.hpp>

#include "ledger/limits.h"
#include "ledger/operations.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

Result<Ok> check_profile(const std::optional<std::string>& display_name,
                         const std::optional<std::string>& contact) {
  if (display_name) {
    if (auto ok = check_text("display_name", *display_name, display_name_bytes_max); !ok) return ok;
  }
  if (contact) {
    if (auto ok = check_text("contact", *contact, contact_bytes_max); !ok) return ok;
  }
  return Ok{};
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const CreateMember& command) {
  if (auto ok = check_profile(command.display_name, command.contact); !ok) return ok.error();
  auto id = next_id(txn.db(), "SELECT max(id) FROM members");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  auto entry = txn.append(EntryKind::member_created, {{"member", id.value()}});
  if (!entry) return entry.error();
  auto profile = txn.db()
                     .cached("INSERT INTO member_profiles (member_id, display_name, contact)"
                             " VALUES (?, ?, ?)")
                     .bind(1, id.value())
                     .bind(2, command.display_name)
                     .bind(3, command.contact)
                     .run();
  if (!profile) return profile.error();
  return Applied{entry.value().seq, id.value()};
}

Result<Applied> apply(WriteTxn& txn, const SetMemberProfile& command) {
  if (auto ok = check_profile(command.display_name, command.contact); !ok) return ok.error();
  auto status = load_member_status(txn.db(), command.member);
  if (!status) return status.error();

  // Validated. No entry: personal data stays out of the log.
  auto updated = txn.db()
                     .cached("INSERT OR REPLACE INTO member_profiles (member_id, display_name,"
                             " contact) VALUES (?, ?, ?)")
                     .bind(1, command.member)
                     .bind(2, command.display_name)
                     .bind(3, command.contact)
                     .run();
  if (!updated) return updated.error();
  return Applied{-1, command.member};
}

Result<Applied> apply(WriteTxn& txn, const ChangeMemberStatus& command) {
  auto status = load_member_status(txn.db(), command.member);
  if (!status) return status.error();
  if (status.value() == command.status) {
    return Error{Errc::invalid_argument,
                 "member is already " + std::string(wire_name(command.status))};
  }

  // Validated. From here on a failure is storage_failed.
  auto entry = txn.append(EntryKind::member_status_changed,
                          {{"member", command.member}, {"status", wire_name(command.status)}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, command.member};
}

}  // namespace pardner::ledger
