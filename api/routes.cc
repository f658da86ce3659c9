// One row per endpoint: method, path, the roles that may call it, handler, body limit, and what
// the OpenAPI document says of it. Adding an endpoint starts here (STYLE.md §12).
#include "api/routes.h"

#include "api/handlers/handlers.h"
#include "api/limits.h"

namespace pardner::api {
namespace {

constexpr Roles everyone_signed_in{Role::admin, Role::member, Role::auditor};
constexpr Roles public_route{};
constexpr Roles admin_only{Role::admin};
constexpr Roles readers{Role::admin, Role::auditor};

constexpr ParamDoc entries_query[] = {
    {"start", "seq of the first entry (default 0)", false, true},
    {"limit", "entries per page, 1..1000 (default 100)", false, true},
};
constexpr ParamDoc inclusion_query[] = {
    {"seq", "the entry's seq", true, true},
    {"size", "tree size of a checkpoint (default: the latest)", false, true},
};
constexpr ParamDoc consistency_query[] = {
    {"from", "the older tree size", true, true},
    {"to", "the newer tree size, a checkpoint's (default: the latest)", false, true},
};
constexpr ParamDoc account_query[] = {
    {"as_of", "the balance just after this entry's seq (default: now)", false, true},
};
constexpr ParamDoc receipt_query[] = {
    {"seq", "the entry's seq", true, true},
};

}  // namespace

std::vector<Route> api_routes() {
  return {
      {"GET",
       "/healthz",
       public_route,
       &handlers::healthz,
       read_body_bytes_max,
       {"Liveness: the process answers", {}, "application/json", "Status"}},
      {"GET",
       "/readyz",
       public_route,
       &handlers::readyz,
       read_body_bytes_max,
       {"Readiness: the writer takes writes and the server is not stopping",
        {},
        "application/json",
        "Status"}},
      {"GET",
       "/v1/openapi.json",
       public_route,
       &handlers::openapi,
       read_body_bytes_max,
       {"This document", {}, "application/json", ""}},
      {"GET",
       "/v1/log/checkpoint",
       public_route,
       &handlers::log_checkpoint,
       read_body_bytes_max,
       {"The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)",
        {},
        "text/plain",
        ""}},
      {"GET",
       "/v1/log/key",
       public_route,
       &handlers::log_key,
       read_body_bytes_max,
       {"The log's verifier key line (name+keyid+base64 key)", {}, "text/plain", ""}},
      {"GET",
       "/v1/log/entries",
       everyone_signed_in,
       &handlers::log_entries,
       read_body_bytes_max,
       {"Entries with their signatures; a member sees only entries touching their accounts",
        entries_query, "application/json", "Entries"}},
      {"GET",
       "/v1/log/proof/inclusion",
       everyone_signed_in,
       &handlers::log_inclusion_proof,
       read_body_bytes_max,
       {"RFC 9162 inclusion proof of an entry in a checkpointed tree", inclusion_query,
        "application/json", "InclusionProof"}},
      {"GET",
       "/v1/log/proof/consistency",
       everyone_signed_in,
       &handlers::log_consistency_proof,
       read_body_bytes_max,
       {"RFC 9162 consistency proof between two checkpointed tree sizes", consistency_query,
        "application/json", "ConsistencyProof"}},
      {"GET",
       "/v1/log/receipt",
       everyone_signed_in,
       &handlers::log_receipt,
       read_body_bytes_max,
       {"A receipt: the entry, its signature and a c2sp.org/tlog-proof@v1 proof", receipt_query,
        "application/json", "Receipt"}},
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
       "/v1/members/{id}",
       everyone_signed_in,
       &handlers::get_member,
       read_body_bytes_max,
       {"A member; a member reads only themself (others answer 404)",
        {},
        "application/json",
        "Member"}},
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
      {"GET",
       "/v1/reports/trial-balance",
       readers,
       &handlers::trial_balance,
       read_body_bytes_max,
       {"The trial balance per currency", {}, "application/json", "TrialBalance"}},
  };
}

}  // namespace pardner::api
