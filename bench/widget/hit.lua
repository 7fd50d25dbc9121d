-- wrk script for POST /hit: beacons like widget.js's from READERS distinct
-- simulated readers (by user agent, one address: loopback), 50 pages.
--
--   READERS=10000 wrk -t2 -c64 -d5s --latency -s bench/widget/hit.lua http://127.0.0.1:8091/_online/hit
--
-- Requests are prepared once per reader, then sent round-robin; each wrk
-- thread starts at a different reader.
local readers = tonumber(os.getenv("READERS") or "10000")
local reqs = {}
local n = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  local path = wrk.path
  for i = 0, readers - 1 do
    local body = string.format('{"path":"/2030/05/post-%d/"}', i % 50)
    reqs[i] = wrk.format("POST", path, {
      ["User-Agent"] = "Mozilla/5.0 bench-reader-" .. i,
      ["Content-Type"] = "text/plain",
    }, body)
  end
  n = offset or 0
end

function request()
  local r = reqs[n % readers]
  n = n + 1
  return r
end
