// RFC 8785 (JSON Canonicalization Scheme) for the subset entries use: objects, arrays, strings,
// integers of magnitude at most 2^53 - 1, booleans and null. These bytes are what is signed and
// hashed, so the encoder never sees a float: one reaching it is a bug and stops the process.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace pardner::ledger {

// Encodes `value` canonically: object members sorted by the UTF-16 code units of their names,
// no insignificant whitespace, strings escaped as ECMAScript's JSON.stringify does.
std::string canonical_json(const boost::json::value& value);
// The same for an object, without first copying it into a value.
std::string canonical_json(const boost::json::object& object);
// Whether `bytes` are exactly canonical_json(value), found without building the string.
// `value` must be canonical_encodable.
bool is_canonical_json(const boost::json::value& value, std::string_view bytes);

// Appends `text` as canonical_json encodes a string (quoted, escaped as JSON.stringify does), for
// callers that write canonical bytes directly rather than build a boost::json value first.
void append_canonical_string(std::string& out, std::string_view text);

// True when every number in `value` is an integer within +-(2^53 - 1) and every string is
// valid UTF-8 (Boost.JSON's parser guarantees the latter for parsed input).
bool canonical_encodable(const boost::json::value& value);

}  // namespace pardner::ledger
