-- wrk script: GET one path with a bearer token (members reading their balance).
-- Environment: PARDNER_TOKEN, PARDNER_PATH.
function init(args)
  headers = {["Authorization"] = "Bearer " .. os.getenv("PARDNER_TOKEN")}
  path = os.getenv("PARDNER_PATH")
end

function request()
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f errors=%d p50=%d p99=%d p999=%d\n",
                         summary.requests / seconds, errors, latency:percentile(50),
                         latency:percentile(99), latency:percentile(99.9)))
end
