// What the handlers that read ledger/ reports share: one read transaction around several reads
// (the report functions leave it to the caller), so a resource and the figures beside it come
// from one snapshot of the log; a not_found named by what the path asked for; absent values as
// JSON null.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "api/problem.h"
#include "ledger/sqlite.h"

namespace pardner::api::handlers {

// The router already holds one around each request; a handler's joins it (ledger/sqlite.h).
using ReadSnapshot = ledger::ReadTransaction;

inline Problem no_snapshot() {
  return problem_from(ledger::Error{ledger::Errc::storage_failed, "cannot begin a read"});
}

// A not_found from ledger/ keeps its code; the detail names what the path asked for.
inline Problem from_ledger(const ledger::Error& error, const std::string& what) {
  if (error.code == ledger::Errc::not_found) {
    return problem_from(ledger::Error{ledger::Errc::not_found, "no " + what});
  }
  return problem_from(error);
}

template <class T>
boost::json::value optional_json(const std::optional<T>& value) {
  if (value) return boost::json::value(*value);
  return nullptr;
}

}  // namespace pardner::api::handlers
