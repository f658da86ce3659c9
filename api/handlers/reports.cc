// GET /v1/reports/trial-balance[?as_of=SEQ] (admin, auditor): per currency, the sums of the
// accounts' debit and credit balances as ledger/ computes them, now or just after entry SEQ
// (so an auditor can compare it with a replay of the log up to a checkpoint). Reads only.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/handlers.h"
#include "api/params.h"

namespace pardner::api::handlers {

void trial_balance(Exchange& ex) {
  auto as_of = query_integer(ex.request(), "as_of", 0, std::numeric_limits<std::int64_t>::max());
  if (!as_of) return ex.fail(as_of.error());
  auto lines =
      as_of.value() ? ex.reader().trial_balance_as_of(*as_of.value()) : ex.reader().trial_balance();
  if (!lines) return ex.fail(lines.error());
  boost::json::array currencies;
  for (const ledger::TrialBalanceLine& line : lines.value()) {
    currencies.emplace_back(boost::json::object{{"currency", line.currency},
                                                {"debits", line.debits},
                                                {"credits", line.credits},
                                                {"accounts", line.accounts}});
  }
  boost::json::object out{{"currencies", std::move(currencies)}};
  if (as_of.value()) out["as_of"] = *as_of.value();
  ex.reply_json(200, boost::json::serialize(out));
}

}  // namespace pardner::api::handlers
