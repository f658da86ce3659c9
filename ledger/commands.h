// The commands the writer accepts, as plain values. Each names its idempotency key; the writer
// settles the key before a command's `apply` runs, so operations never repeat that logic.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "crypto/sha256.h"
#include "ledger/access_tokens.h"
#include "ledger/dividend_commands.h"
#include "ledger/loan_commands.h"
#include "ledger/pool_commands.h"
#include "ledger/pool_round_commands.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct CreateMember {
  std::string idempotency_key;  // optional for commands that move no money
  std::optional<std::string> display_name;  // kept outside the log
  std::optional<std::string> contact;       // kept outside the log
};

// Corrects or erases a member's name and contact. These live outside the log, so this command
// makes no entry (its Applied has seq -1); the log stays intact.
struct SetMemberProfile {
  std::string idempotency_key;
  MemberId member = 0;
  std::optional<std::string> display_name;  // nullopt erases it
  std::optional<std::string> contact;       // nullopt erases it
};

struct ChangeMemberStatus {
  std::string idempotency_key;
  MemberId member = 0;
  MemberStatus status = MemberStatus::active;
};

struct OpenAccount {
  std::string idempotency_key;
  std::string code;  // colon path, e.g. liabilities:members:0042:savings
  AccountType type = AccountType::asset;
  std::string currency;  // ISO 4217; empty means the ledger's default
  std::optional<MemberId> member;
  std::optional<Minor> floor;  // none: 0 on a member's account, else no floor
};

struct CloseAccount {
  std::string idempotency_key;
  AccountId account = 0;
};

struct SetAccountFloor {
  std::string idempotency_key;
  AccountId account = 0;
  std::optional<Minor> floor;  // nullopt removes the floor
};

struct CreateTransaction {
  std::string idempotency_key;  // required: this moves money
  std::vector<Posting> postings;
  std::string memo;
  std::vector<std::pair<std::string, std::string>> metadata;  // flat, string values
  std::optional<Date> value_date;  // defaults to the entry's date
  bool pending = false;
  std::optional<std::int64_t> timeout_seconds;  // pending only
};

struct PostPending {
  std::string idempotency_key;
  TransactionId transaction = 0;
  std::optional<Minor> amount;  // a smaller amount; two-posting transactions only
  std::optional<Date> value_date;
};

struct VoidPending {
  std::string idempotency_key;
  TransactionId transaction = 0;
};

struct ReverseTransaction {
  std::string idempotency_key;
  TransactionId transaction = 0;
  std::string memo;
};

// An API access token for a role (and, for members, the member it speaks for). Only the
// token's hash reaches the ledger; the token itself is shown once to its holder by the API.
// Tokens live outside the log: these commands make no entry (Applied seq -1).
struct CreateAccessToken {
  std::string idempotency_key;
  crypto::Hash token_hash{};
  Role role = Role::member;
  std::optional<MemberId> member;
  std::string label;
};

struct RevokeAccessToken {
  std::string idempotency_key;
  std::int64_t token = 0;
};

// Issued by the writer itself, never by clients: voids a pending transaction past its timeout.
struct ExpirePending {
  TransactionId transaction = 0;
};

using Command =
    std::variant<CreateMember, SetMemberProfile, ChangeMemberStatus, OpenAccount, CloseAccount,
                 SetAccountFloor, CreateTransaction, PostPending, VoidPending, ReverseTransaction,
                 CreateAccessToken, RevokeAccessToken, ExpirePending, CreateLoanFund,
                 CreateLoanProduct, ApplyForLoan, ApproveLoan, RejectLoan, WithdrawLoan,
                 DisburseLoan, RepayLoan, ChargeLateFees, WriteOffLoan, RecordRecovery,
                 // Pools (ledger/pool_commands.h).
                 CreatePool, Contribute, SetAllocationPolicy, Distribute, OpenRound, CastVote,
                 CloseRound,
                 // Dividends (ledger/dividend_commands.h).
                 DeclareDividend>;

// The simple transfer form: `amount` from `credit_account` to `debit_account`.
CreateTransaction make_transfer(std::string idempotency_key, AccountId debit_account,
                                AccountId credit_account, Minor amount, std::string memo = {});

// What an accepted command produced: its entry and the id it created or acted on.
struct Applied {
  Seq seq = 0;  // -1 for a command that changes only data kept outside the log
  std::int64_t id = 0;
  bool replayed = false;  // true when an idempotent retry returned the first result
  friend bool operator==(const Applied& a, const Applied& b) {
    return a.seq == b.seq && a.id == b.id;
  }
};

// The command's idempotency key ("" when it has none).
const std::string& idempotency_key_of(const Command& command);
// Whether the command must carry a key (every command that moves money does).
bool requires_idempotency_key(const Command& command);
// The canonical JSON of the command's content, key excluded: equal content, equal bytes.
std::string command_fingerprint(const Command& command);

}  // namespace pardner::ledger
