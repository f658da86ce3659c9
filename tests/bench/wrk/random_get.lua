-- wrk script: GET a path with one random number in it, uniform in [PARDNER_LOW, PARDNER_HIGH]
-- (inclusion proofs for any entry of a log, balances of any of many accounts). Environment:
-- PARDNER_TOKEN, PARDNER_PATH_FORMAT (a string.format pattern with one %d), PARDNER_LOW,
-- PARDNER_HIGH. PARDNER_WRK_LUA: this folder, so the shared report module is found.
package.path = (os.getenv("PARDNER_WRK_LUA") or ".") .. "/?.lua;" .. package.path
local report = require("report")

setup = report.setup

function init(args)
  headers = {["Authorization"] = "Bearer " .. os.getenv("PARDNER_TOKEN")}
  format = os.getenv("PARDNER_PATH_FORMAT")
  low = tonumber(os.getenv("PARDNER_LOW"))
  high = tonumber(os.getenv("PARDNER_HIGH"))
  -- Each thread its own sequence, the same from run to run.
  math.randomseed(7919 * thread_id)
end

function request()
  return wrk.format("GET", string.format(format, math.random(low, high)), headers)
end

done = report.done
