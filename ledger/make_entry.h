// Making an entry in the writer: its fields, seq, ts and kind, and its canonical leaf bytes,
// built once. Never parses: the entry made is the one decode_leaf would read back from the bytes.
#pragma once

#include <boost/json/object.hpp>

#include "ledger/entry.h"

namespace pardner::ledger {

// The entry of `fields` plus seq, ts and kind, with its leaf bytes canonically encoded: the
// entry decode_leaf reads back from those bytes (integers as int64, as the parser gives them;
// member order aside, which nothing reads) without parsing them. Asserts what makes that so:
// strings and names strict UTF-8, integers within +-(2^53 - 1), no floats.
Entry make_entry(Seq seq, Timestamp ts, EntryKind kind, boost::json::object fields);

}  // namespace pardner::ledger
