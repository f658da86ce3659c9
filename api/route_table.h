// The parts of the route table (api/routes.h), which routes.cc joins in this order, the OpenAPI
// document's. Each row: method, path, the roles that may call it, handler, body limit, and what
// the OpenAPI document says of it. Adding an endpoint starts in one of the parts (STYLE.md §12).
#pragma once

#include <vector>

#include "api/router.h"

namespace pardner::api::route_table {

inline constexpr Roles everyone_signed_in{Role::admin, Role::member, Role::auditor};
inline constexpr Roles public_route{};
inline constexpr Roles admin_only{Role::admin};
inline constexpr Roles readers{Role::admin, Role::auditor};
// A borrower acts on their own loan; ledger/ checks the rest (an admin may act for a member).
inline constexpr Roles borrowers{Role::admin, Role::member};
// Pools and rounds: an admin or a member pays in (a member from their own account, ledger/
// checks); only a member's own token votes, so no admin ever votes on another's behalf.
inline constexpr Roles contributors{Role::admin, Role::member};
inline constexpr Roles voters{Role::member};

// Members, accounts, transactions, tokens and the trial balance (routes_ledger.cc).
std::vector<Route> ledger_routes();
// Loan funds and loans, pools, funding rounds and dividends (routes_lending.cc).
std::vector<Route> lending_routes();

}  // namespace pardner::api::route_table
