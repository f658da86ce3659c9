-- wrk script: GET one path with a bearer token (members reading their balance).
-- Environment: PARDNER_TOKEN, PARDNER_PATH.
-- PARDNER_WRK_LUA: this folder, so the shared report module is found.
package.path = (os.getenv("PARDNER_WRK_LUA") or ".") .. "/?.lua;" .. package.path
local report = require("report")

function init(args)
  headers = {["Authorization"] = "Bearer " .. os.getenv("PARDNER_TOKEN")}
  path = os.getenv("PARDNER_PATH")
end

function request()
  return wrk.format("GET", path, headers)
end

done = report.done
