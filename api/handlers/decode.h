// Strict decoding of JSON request bodies for the write handlers: the media
// type, a bounded depth, no unknown fields, every string and array
// length-checked, amounts as JSON integers of magnitude at most 2^53-1 (never
// rounded). Refusals are problems; nothing here decides money.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "api/exchange.h"
#include "api/problem.h"
#include "crypto/result.h"
#include "ledger/time.h"
#include "ledger/types.h"

namespace pardner::api::handlers {

template <class T>
using Decoded = pardner::Result<T, Problem>;

// The body as a JSON object: 415 unless Content-Type is application/json,
// malformed_json when it is not JSON, nests deeper than `depth_max`, or is not
// an object; invalid_argument when it has a field not in `allowed`.
Decoded<boost::json::object> decode_body(const Request& request, std::size_t depth_max,
                                         std::initializer_list<std::string_view> allowed);

// As decode_body, for a body whose fields its own decoder checks (and must refuse unknown ones).
Decoded<boost::json::object> decode_object_body(const Request& request, std::size_t depth_max);

// As decode_body, for action routes whose body is optional: an empty body (with or without a
// Content-Type) is an empty object.
Decoded<boost::json::object> decode_optional_body(const Request& request, std::size_t depth_max,
                                                  std::initializer_list<std::string_view> allowed);

// invalid_argument naming the first key of `object` not in `allowed` (`where`
// prefixes it).
Decoded<Ok> refuse_unknown_fields(const boost::json::object& object,
                                  std::initializer_list<std::string_view> allowed,
                                  std::string_view where);

// Field `name` as a string of at most `bytes_max` bytes (nullopt when absent).
Decoded<std::optional<std::string>> optional_string(const boost::json::object& object,
                                                    std::string_view name, std::size_t bytes_max);
Decoded<std::string> required_string(const boost::json::object& object, std::string_view name,
                                     std::size_t bytes_max);

// Field `name` as a JSON integer in [min, max] (nullopt when absent). A
// decimal, an exponent or a number past int64 is invalid_argument.
Decoded<std::optional<std::int64_t>> optional_integer(const boost::json::object& object,
                                                      std::string_view name, std::int64_t min,
                                                      std::int64_t max);
Decoded<std::int64_t> required_integer(const boost::json::object& object, std::string_view name,
                                       std::int64_t min, std::int64_t max);

// An amount in minor units: a JSON integer with |amount| <=
// ledger::json_amount_max.
Decoded<ledger::Minor> amount_of(const boost::json::value& value, std::string_view name);
Decoded<std::optional<ledger::Minor>> optional_amount(const boost::json::object& object,
                                                      std::string_view name);
// As optional_amount, for a field the body must have.
Decoded<ledger::Minor> required_amount(const boost::json::object& object, std::string_view name);

// Field `name` as a date, YYYY-MM-DD (nullopt when absent).
Decoded<std::optional<ledger::Date>> optional_date(const boost::json::object& object,
                                                   std::string_view name);

Decoded<std::optional<bool>> optional_bool(const boost::json::object& object,
                                           std::string_view name);

// A path parameter that must be a positive-or-zero decimal id.
Decoded<std::int64_t> id_param(const Exchange& ex, std::string_view name);

// The member a member-role caller speaks for; nullopt for admins and auditors.
std::optional<ledger::MemberId> calling_member(const Exchange& ex);

// The writer's answer to a create: 201 {"id","seq"}, 200 with the same body for
// a replay of the same idempotency key and content, else the refusal's problem.
void reply_created(Exchange& ex, const ledger::Result<ledger::Applied>& done);

// The writer's answer to an action on an existing resource (post, void, close): 200
// {"id","seq"}, the same for a replay, else the refusal's problem.
void reply_applied(Exchange& ex, const ledger::Result<ledger::Applied>& done);

// The key from the Idempotency-Key header or the "idempotency_key" field; both may be sent only
// if they agree. Required: every caller moves money.
Decoded<std::string> idempotency_key(const Request& request, const boost::json::object& body);

Problem invalid(std::string detail);

}  // namespace pardner::api::handlers
