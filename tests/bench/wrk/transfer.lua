-- wrk script: one transfer per request, each with an Idempotency-Key no other request uses (a
-- reused key would be answered from the idempotency record, not written). Environment:
-- PARDNER_TOKEN, PARDNER_DEBIT, PARDNER_CREDIT, PARDNER_RUN (makes keys unique across runs).
-- PARDNER_WRK_LUA: this folder, so the shared report module is found.
package.path = (os.getenv("PARDNER_WRK_LUA") or ".") .. "/?.lua;" .. package.path
local report = require("report")

setup = report.setup

function init(args)
  counter = 0
  run = os.getenv("PARDNER_RUN") or "0"
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("PARDNER_TOKEN"),
    ["Content-Type"] = "application/json",
  }
  body = string.format('{"debit_account":%s,"credit_account":%s,"amount":1}',
                       os.getenv("PARDNER_DEBIT"), os.getenv("PARDNER_CREDIT"))
end

function request()
  counter = counter + 1
  headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, thread_id, counter)
  return wrk.format("POST", "/v1/transactions", headers, body)
end

done = report.done
