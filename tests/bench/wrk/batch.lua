-- wrk script: a batch of PARDNER_BATCH transfers per request (POST /v1/transactions/batch),
-- every item with its own unique idempotency key. Environment as transfer.lua, plus
-- PARDNER_BATCH (items per request, default 1000).
-- PARDNER_WRK_LUA: this folder, so the shared report module is found.
package.path = (os.getenv("PARDNER_WRK_LUA") or ".") .. "/?.lua;" .. package.path
local report = require("report")

setup = report.setup

function init(args)
  counter = 0
  run = os.getenv("PARDNER_RUN") or "0"
  size = tonumber(os.getenv("PARDNER_BATCH") or "1000")
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("PARDNER_TOKEN"),
    ["Content-Type"] = "application/json",
  }
  item = string.format('"debit_account":%s,"credit_account":%s,"amount":1}',
                       os.getenv("PARDNER_DEBIT"), os.getenv("PARDNER_CREDIT"))
end

function request()
  counter = counter + 1
  local items = {}
  for i = 1, size do
    items[i] = string.format('{"idempotency_key":"b-%s-%d-%d-%d",', run, thread_id, counter, i) ..
               item
  end
  local body = '{"transactions":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/v1/transactions/batch", headers, body)
end

done = report.done
