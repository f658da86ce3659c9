// The OpenAPI schemas and request body of the dividend routes (api/handlers/dividends.cc), kept
// apart from api/openapi.cc like api/openapi_pools.h. api/openapi.cc merges them into the
// document.
#pragma once

#include <string_view>

#include "api/openapi_loans.h"

namespace pardner::api {

inline constexpr RequestBodyDoc dividend_request_bodies[] = {
    {"POST /v1/dividends", "NewDividend"},
};

// JSON Schema 2020-12, as JSON text: an object of schemas added to components.schemas.
inline constexpr std::string_view dividend_schemas_json = R"json({
  "NewDividend": {"type": "object", "additionalProperties": false,
    "required": ["share_prefix", "as_of_seq"],
    "properties": {"source_pool": {"type": "integer", "description":
        "a pool whose available balance pays it; exactly one of source_pool and source_account"},
      "source_account": {"type": "integer",
        "description": "an open income or equity account that is not a pool's"},
      "share_prefix": {"type": "string", "minLength": 1, "maxLength": 200,
        "description": "members' equity share accounts whose code starts with it"},
      "payout_prefix": {"type": "string", "minLength": 1, "maxLength": 200, "description":
        "pay into each member's one open liability or equity account with this code prefix"},
      "as_of_seq": {"type": "integer", "minimum": 0,
        "description": "shares are the posted balances just after this entry"},
      "amount": {"type": "integer", "minimum": 1, "maximum": 9007199254740991,
        "description": "exactly one of amount and rate_bps"},
      "rate_bps": {"type": "integer", "minimum": 1, "maximum": 10000,
        "description": "of the total share capital, rounded down"},
      "idempotency_key": {"type": "string", "maxLength": 128}}},
  "DividendTransaction": {"type": "object", "required": ["transaction", "seq"],
    "properties": {"transaction": {"type": "integer"}, "seq": {"type": "integer"}}},
  "Dividend": {"type": "object",
    "required": ["id", "source_account", "currency", "amount", "total_shares", "seq"],
    "properties": {"id": {"type": "integer"}, "source_pool": {"type": ["integer", "null"]},
      "source_account": {"type": "integer"}, "currency": {"type": "string"},
      "share_prefix": {"type": "string"}, "payout_prefix": {"type": ["string", "null"]},
      "as_of_seq": {"type": "integer"},
      "rate_bps": {"type": ["integer", "null"], "description": "null: an amount was given"},
      "amount": {"type": "integer"}, "total_shares": {"type": "integer"},
      "seq": {"type": "integer", "description": "the dividend_declared entry"},
      "transactions": {"type": "array",
        "items": {"$ref": "#/components/schemas/DividendTransaction"}},
      "lines": {"type": "integer", "description": "share accounts holding shares"},
      "members_paid": {"type": "integer"},
      "paid": {"type": "integer", "description": "equal to amount"}}},
  "DividendLines": {"type": "object", "required": ["dividend", "lines"],
    "properties": {"dividend": {"type": "integer"}, "next_cursor": {"type": "string"},
      "lines": {"type": "array", "items": {"type": "object",
        "properties": {"share_account": {"type": "integer"}, "member": {"type": "integer"},
          "shares": {"type": "integer"}, "payout_account": {"type": "integer"},
          "amount": {"type": "integer"},
          "transaction": {"type": ["integer", "null"], "description": "null: paid 0"}}}}}},
  "DividendStatement": {"type": "object",
    "required": ["dividend", "member", "shares", "total_shares", "amount", "paid"],
    "properties": {"dividend": {"type": "integer"}, "member": {"type": "integer"},
      "share_account": {"type": "integer"}, "as_of_seq": {"type": "integer"},
      "shares": {"type": "integer"}, "total_shares": {"type": "integer"},
      "amount": {"type": "integer"},
      "floor": {"type": "integer", "description": "floor(amount x shares / total_shares)"},
      "remainder": {"type": "integer",
        "description": "amount x shares / total_shares = floor + remainder / total_shares"},
      "leftover_unit": {"type": "boolean",
        "description": "true: paid floor + 1 by the largest remainder"},
      "paid": {"type": "integer"}, "payout_account": {"type": "integer"},
      "transaction": {"type": ["integer", "null"]},
      "transaction_seq": {"type": ["integer", "null"]}}}
})json";

}  // namespace pardner::api
