-- What the bench scripts share: `setup`, which numbers wrk's threads (thread_id, for keys no
-- other thread makes), and `done`, one machine-readable line for tests/bench/https_bench.sh
-- (requests/s, errors of every kind, latency percentiles in µs).
local report = {}
local threads = 0

function report.setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function report.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f errors=%d p50=%d p99=%d p999=%d\n",
                         summary.requests / seconds, errors, latency:percentile(50),
                         latency:percentile(99), latency:percentile(99.9)))
end

return report
