// The commands of reinvestment pools, as plain values (the rest are in ledger/commands.h and
// ledger/loan_commands.h). Each names the access token of whoever acts; the writer checks it
// against the stored tokens, so who may contribute or distribute is decided in ledger/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/loan_commands.h"
#include "ledger/types.h"

namespace pardner::ledger {

using PoolId = std::int64_t;

// A pool over an existing open equity or liability account (as the community's accountant set
// it up): money contributed is credited to it, money distributed debited from it.
struct CreatePool {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin
  std::string currency;
  AccountId pool_account = 0;
  std::string description;  // a reference, not a name: it enters the log
};

// Money into the pool: `source_account` debited, the pool account credited, in one transaction.
// The source is a member's account (a liability with a member), an enterprise's income account
// (profit), or an external cash-in clearing account (an asset: the cash received). By an admin,
// or by a member from an account of their own. The contributor member is the source account's
// member if it has one; an admin may name one for a source without a member (a Soup evening's
// host paying in through clearing, say).
struct Contribute {
  std::string idempotency_key;
  ActorToken actor = 0;
  PoolId pool = 0;
  AccountId source_account = 0;
  Minor amount_minor = 0;
  std::optional<MemberId> contributor;
  std::string reason;  // a reference, not a name: it enters the log
};

struct PolicyShare {
  std::string name;  // "loan fund capital": a label, not a person's name
  AccountId account = 0;
  std::int64_t bps = 0;  // 1..10,000; a policy's shares sum to exactly 10,000
};

// A new version of the pool's allocation policy (versions 1, 2, ...; every one kept). The shares
// go to distinct open equity or liability accounts of the pool's currency, other than the pool.
struct SetAllocationPolicy {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin
  PoolId pool = 0;
  std::vector<PolicyShare> shares;
};

// Splits `amount_minor` (or, when absent, the whole available pool balance) by the policy in
// force, by largest remainder over the shares' bps with ties to the lower account id, and pays
// it in one balanced transaction: the pool account debited, each share's account credited.
struct Distribute {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin
  PoolId pool = 0;
  std::optional<Minor> amount_minor;
};

}  // namespace pardner::ledger
