-- wrk script for the cloud benchmark (benches/api.rs starts it), in one of two loads named by
-- GATEHOUSE_BENCH_LOAD:
-- - "create_approve": every connection creates a contractor invitation (pending), then approves
--   one it created, and so on; reads the bearer token and the visit window from the environment;
-- - "baseline": the peer — every request posts a small JSON body to the bare axum + sqlx
--   endpoint, which inserts one row.
local load = os.getenv("GATEHOUSE_BENCH_LOAD")
local token = os.getenv("GATEHOUSE_BENCH_TOKEN")
local starts_at = os.getenv("GATEHOUSE_BENCH_STARTS_AT")
local ends_at = os.getenv("GATEHOUSE_BENCH_ENDS_AT")
local headers = { ["Content-Type"] = "application/json" }
if token then
   headers["Authorization"] = "Bearer " .. token
end
local threads = {}
local created = {}
local count = 0

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

local function create_or_approve()
   local id = table.remove(created)
   if id then
      return wrk.format("POST", "/api/v1/invitations/" .. id .. "/approve", headers, "")
   end
   count = count + 1
   local body = string.format(
      '{"category":"contractor","visitor":{"name":"Load %d %d","email":"load%d.%d@guest.example"},'
         .. '"window":{"starts_at":"%s","ends_at":"%s"}}',
      tid, count, tid, count, starts_at, ends_at)
   return wrk.format("POST", "/api/v1/invitations", headers, body)
end

local function insert_one()
   count = count + 1
   return wrk.format("POST", "/baseline", headers, string.format('{"name":"Load %d %d"}', tid, count))
end

if load == "baseline" then
   request = insert_one
else
   request = create_or_approve
end

function response(status, _, body)
   local id = load ~= "baseline" and status == 201 and body:match('"id":"([^"]+)"')
   if id then
      table.insert(created, id)
   end
end

function done(summary)
   local status = summary.errors.status
   io.write(string.format('{"requests":%d,"non_2xx":%d,"socket_errors":%d,"seconds":%f}\n',
      summary.requests, status,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      summary.duration / 1e6))
end
