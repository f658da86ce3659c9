// Creating and revoking access tokens through the writer (the one write connection). No entry:
// tokens are access control, kept outside the log like personal data.
#include "ledger/operations.h"
#include "ledger/validation.h"

namespace pardner::ledger {

namespace {
constexpr std::size_t token_label_bytes_max = 100;
}  // namespace

Result<Applied> apply(WriteTxn& txn, const CreateAccessToken& command) {
  if (auto ok = check_text("label", command.label, token_label_bytes_max); !ok) return ok.error();
  if (command.role == Role::member && !command.member) {
    return Error{Errc::invalid_argument, "a member token must name its member"};
  }
  if (command.role == Role::auditor && command.member) {
    return Error{Errc::invalid_argument, "an auditor token speaks for no member"};
  }
  if (command.member) {
    auto status = load_member_status(txn.db(), *command.member);
    if (!status) return status.error();
  }

  Statement& taken = txn.db().cached("SELECT 1 FROM access_tokens WHERE token_hash = ?");
  taken.bind_blob(1, command.token_hash);
  auto exists = taken.step();
  taken.reset();
  if (!exists) return exists.error();
  // 256-bit random tokens do not collide: a match means one was registered twice.
  if (exists.value()) return Error{Errc::already_exists, "this token is already registered"};

  // Validated. No entry.
  auto id = insert_access_token(txn.db(), command.token_hash, command.role, command.member,
                                command.label, txn.now());
  if (!id) return id.error();
  return Applied{-1, id.value()};
}

Result<Applied> apply(WriteTxn& txn, const RevokeAccessToken& command) {
  auto revoked = txn.db()
                     .cached("UPDATE access_tokens SET revoked_us = ? WHERE id = ?"
                             " AND revoked_us IS NULL")
                     .bind(1, txn.now())
                     .bind(2, command.token)
                     .run();
  if (!revoked) return revoked.error();
  if (txn.db().changes() != 1) {
    return Error{Errc::not_found, "no live token " + std::to_string(command.token)};
  }
  return Applied{-1, command.token};
}

}  // namespace pardner::ledger
