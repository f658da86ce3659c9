// GET /v1/reports/trial-balance (admin, auditor): per currency, the sums of the
// accounts' debit and credit balances as ledger/ computes them. Reads only.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.h"

namespace pardner::api::handlers {

void trial_balance(Exchange& ex) {
  auto lines = ex.reader().trial_balance();
  if (!lines) return ex.fail(lines.error());
  boost::json::array currencies;
  for (const ledger::TrialBalanceLine& line : lines.value()) {
    currencies.emplace_back(boost::json::object{{"currency", line.currency},
                                                {"debits", line.debits},
                                                {"credits", line.credits},
                                                {"accounts", line.accounts}});
  }
  ex.reply_json(200, boost::json::serialize(boost::json::object{{"currencies", currencies}}));
}

}  // namespace pardner::api::handlers
