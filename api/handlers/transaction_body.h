// The one decoder of a transaction's JSON body, shared by POST /v1/transactions and the items
// of POST /v1/transactions/batch, so the two endpoints cannot drift apart in what they take.
#pragma once

#include <boost/json/object.hpp>

#include "api/handlers/decode.h"
#include "ledger/commands.h"

namespace pardner::api::handlers {

// `fields` (a JSON object already bounded in depth) as a CreateTransaction with no idempotency
// key: the caller takes the key from where its endpoint carries it. Refuses, as
// invalid_argument, a field neither form takes ("idempotency_key" is allowed and left alone),
// the two forms' fields mixed, and every string, list or amount out of its bounds.
Decoded<ledger::CreateTransaction> decode_transaction(const boost::json::object& fields);

}  // namespace pardner::api::handlers
