-- wrk script: a batch of PARDNER_BATCH transfers per request (POST /v1/transactions/batch),
-- every item with its own unique idempotency key. Environment as transfer.lua, plus
-- PARDNER_BATCH (items per request, default 1000).
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

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

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f errors=%d p50=%d p99=%d p999=%d\n",
                         summary.requests / seconds, errors, latency:percentile(50),
                         latency:percentile(99), latency:percentile(99.9)))
end
