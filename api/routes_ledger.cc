// The route table's rows for the ledger itself: members, accounts, transactions, tokens and
// the trial balance (api/route_table.h).
#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "api/route_table.h"

namespace pardner::api::route_table {
namespace {

constexpr ParamDoc account_query[] = {
    {"as_of", "the balance just after this entry's seq (default: now)", false, true},
};
constexpr ParamDoc statement_query[] = {
    {"cursor", "next_cursor from the previous page (default: the first line)", false, false},
    {"limit", "lines per page, 1..1000 (default 100)", false, true},
};
constexpr ParamDoc members_query[] = {
    {"status", "only members with this status: active, suspended or left", false, false},
    {"cursor", "next_cursor from the previous page (default: the first member)", false, false},
    {"limit", "members per page, 1..1000 (default 100)", false, true},
};
constexpr ParamDoc accounts_query[] = {
    {"owner", "only accounts of this member id (a member sees only their own)", false, true},
    {"type", "only accounts of this type: asset, liability, equity, income or expense", false,
     false},
    {"code_prefix", "only codes starting with these characters, taken literally (1..200 bytes)",
     false, false},
    {"currency", "only accounts in this ISO 4217 currency", false, false},
    {"status", "only open or only closed accounts", false, false},
    {"cursor", "next_cursor from the previous page (default: the first account)", false, false},
    {"limit", "accounts per page, 1..1000 (default 100)", false, true},
};
constexpr ParamDoc account_transactions_query[] = {
    {"cursor", "next_cursor from the previous page (default: the first transaction)", false, false},
    {"limit", "transactions per page, 1..1000 (default 100)", false, true},
};
constexpr ParamDoc trial_balance_query[] = {
    {"as_of", "the trial balance just after this entry's seq (default: now)", false, true},
};

}  // namespace

std::vector<Route> ledger_routes() {
  return {
      {"POST",
       "/v1/members",
       admin_only,
       &handlers::create_member,
       member_body_bytes_max,
       {"Create a member {display_name?, contact?}; answers 201 {id, seq}",
        {},
        "application/json",
        "Created"}},
      {"GET",
       "/v1/members",
       readers,
       &handlers::list_members,
       read_body_bytes_max,
       {"Members in id order, as GET /v1/members/{id} shows each, paged by an opaque cursor",
        members_query, "application/json", "MemberList"}},
      {"GET",
       "/v1/members/{id}",
       everyone_signed_in,
       &handlers::get_member,
       read_body_bytes_max,
       {"A member; a member reads only themself (others answer 404)",
        {},
        "application/json",
        "Member"}},
      {"PUT",
       "/v1/members/{id}/profile",
       admin_only,
       &handlers::set_member_profile,
       member_body_bytes_max,
       {"Correct or erase a member's name and contact {display_name?, contact?}: the profile is "
        "replaced whole, a field left out is erased; no log entry, no Idempotency-Key; answers "
        "200 {id}",
        {},
        "application/json",
        "MemberRef",
        false}},
      {"POST",
       "/v1/accounts",
       admin_only,
       &handlers::create_account,
       account_body_bytes_max,
       {"Open an account {code, type, currency?, member?, floor?}; answers 201 {id, seq}",
        {},
        "application/json",
        "Created"}},
      {"GET",
       "/v1/accounts",
       everyone_signed_in,
       &handlers::list_accounts,
       read_body_bytes_max,
       {"Accounts in id order with their balances, filtered, paged by an opaque cursor; a "
        "member lists only their own (owner= another member answers an empty list)",
        accounts_query, "application/json", "AccountList"}},
      {"GET",
       "/v1/accounts/{id}",
       everyone_signed_in,
       &handlers::get_account,
       read_body_bytes_max,
       {"An account and its balance; a member reads only their own (others answer 404)",
        account_query, "application/json", "Account"}},
      {"POST",
       "/v1/transactions",
       admin_only,
       &handlers::create_transaction,
       transaction_body_bytes_max,
       {"Move money (Idempotency-Key required): {debit_account, credit_account, amount, memo?} "
        "or {postings, memo?, metadata?, value_date?, pending?, timeout_seconds?}; answers 201 "
        "{id, seq}, 200 for a replay",
        {},
        "application/json",
        "Created"}},
      {"POST",
       "/v1/transactions/batch",
       admin_only,
       &handlers::create_transaction_batch,
       batch_body_bytes_max,
       {"Move money in bulk: {atomic?, transactions:[{idempotency_key, <a POST /v1/transactions "
        "body>}...]}, 1..1000 items. Each item answered on its own: 200 {results:[{index, "
        "status, id, seq} or {index, status, problem}]}; atomic: all or none, 201 {results}, or "
        "the first refused item's problem with its index and every item's result",
        {},
        "application/json",
        "BatchResults"}},
      {"GET",
       "/v1/transactions/{id}",
       everyone_signed_in,
       &handlers::get_transaction,
       read_body_bytes_max,
       {"A transaction: status, value date, postings, memo, metadata, reversal links; a member "
        "reads only one touching their accounts (others answer 404)",
        {},
        "application/json",
        "Transaction"}},
      {"POST",
       "/v1/transactions/{id}/post",
       admin_only,
       &handlers::post_pending,
       action_body_bytes_max,
       {"Post a pending transaction (Idempotency-Key required), {amount?, value_date?}: a "
        "smaller amount posts less; answers 200 {id, seq}",
        {},
        "application/json",
        "Created"}},
      {"POST",
       "/v1/transactions/{id}/void",
       admin_only,
       &handlers::void_pending,
       action_body_bytes_max,
       {"Void a pending transaction (Idempotency-Key required); answers 200 {id, seq}",
        {},
        "application/json",
        "Created"}},
      {"POST",
       "/v1/transactions/{id}/reverse",
       admin_only,
       &handlers::reverse_transaction,
       action_body_bytes_max,
       {"Reverse a posted transaction (Idempotency-Key required), {memo?}; answers 201 {id, seq} "
        "of the reversing transaction, 200 for a replay",
        {},
        "application/json",
        "Created"}},
      {"POST",
       "/v1/accounts/{id}/close",
       admin_only,
       &handlers::close_account,
       action_body_bytes_max,
       {"Close an account (its balance must be zero); answers 200 {id, seq}",
        {},
        "application/json",
        "Created"}},
      {"GET",
       "/v1/accounts/{id}/statement",
       everyone_signed_in,
       &handlers::account_statement,
       read_body_bytes_max,
       {"Posted lines in log order with running balances, paged by an opaque cursor; a member "
        "reads only their own accounts (others answer 404)",
        statement_query, "application/json", "Statement"}},
      {"GET",
       "/v1/accounts/{id}/transactions",
       everyone_signed_in,
       &handlers::account_transactions,
       read_body_bytes_max,
       {"The transactions touching an account, pending, posted, voided and expired, in log "
        "order with this account's amount, paged by an opaque cursor; a member reads only "
        "their own accounts (others answer 404)",
        account_transactions_query, "application/json", "AccountTransactions"}},
      {"POST",
       "/v1/tokens",
       admin_only,
       &handlers::create_token,
       token_body_bytes_max,
       {"Make an access token {role, member?, label?}; answers 201 {id, token}, the only time "
        "the token is shown",
        {},
        "application/json",
        "NewToken"}},
      {"POST",
       "/v1/tokens/{id}/revoke",
       admin_only,
       &handlers::revoke_token,
       action_body_bytes_max,
       {"Revoke an access token at once; answers 200 {id, revoked}",
        {},
        "application/json",
        "RevokedToken"}},
      {"GET",
       "/v1/reports/trial-balance",
       readers,
       &handlers::trial_balance,
       read_body_bytes_max,
       {"The trial balance per currency", trial_balance_query, "application/json", "TrialBalance"}},
  };
}

}  // namespace pardner::api::route_table
