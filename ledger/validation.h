// Checks on client-supplied text and dates shared by several commands. Each returns an
// invalid_argument Error naming the field, or Ok.
#pragma once

#include <string_view>

#include "ledger/error.h"
#include "ledger/settings.h"
#include "ledger/time.h"

namespace pardner::ledger {

// Well-formed UTF-8 (no overlongs, no surrogates) without control characters, at most
// `bytes_max` bytes. Text enters the signed log, so it must encode one way only.
Result<Ok> check_text(std::string_view field, std::string_view text, std::size_t bytes_max);

// 1..128 printable ASCII characters (0x21..0x7E).
Result<Ok> check_idempotency_key(std::string_view key);

// Colon-separated segments of [A-Za-z0-9_.-], none empty, so codes read as ledger-cli account
// names without quoting.
Result<Ok> check_account_code(std::string_view code);

// A value date is never after the entry's own date and at most the ledger's window before it.
Result<Ok> check_value_date(Date value_date, Timestamp now, const Settings& settings);

}  // namespace pardner::ledger
