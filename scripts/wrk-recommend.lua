-- wrk load script: recommendations for random known users, count=10.
--   wrk -t2 -c32 -d30s --latency -s scripts/wrk-recommend.lua http://127.0.0.1:8080
-- USERS (environment) is the highest user id to draw from, 1...USERS (ML-1M: 6040).
local users = tonumber(os.getenv("USERS") or "6040")
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

init = function(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

request = function()
  return wrk.format("GET", "/v1/users/" .. math.random(1, users) .. "/recommendations?count=10")
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d in %.1f s: %.0f req/s\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
  io.write(string.format("errors: connect %d, read %d, write %d, non-2xx %d, timeout %d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
end
