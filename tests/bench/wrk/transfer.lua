-- wrk script: one transfer per request, each with an Idempotency-Key no other request uses (a
-- reused key would be answered from the idempotency record, not written). Environment:
-- PARDNER_TOKEN, PARDNER_DEBIT, PARDNER_CREDIT, PARDNER_RUN (makes keys unique across runs).
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

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

function done(summary, latency, requests)
  -- One machine-readable line for ops/bench: requests/s, errors, latency percentiles in µs.
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f errors=%d p50=%d p99=%d p999=%d\n",
                         summary.requests / seconds, errors, latency:percentile(50),
                         latency:percentile(99), latency:percentile(99.9)))
end
