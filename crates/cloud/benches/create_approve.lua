-- wrk script for the cloud benchmark (benches/api.rs starts it): every connection creates a
-- contractor invitation (pending), then approves one it created, and so on. Reads the bearer
-- token and the visit window from the environment.
local token = os.getenv("GATEHOUSE_BENCH_TOKEN")
local starts_at = os.getenv("GATEHOUSE_BENCH_STARTS_AT")
local ends_at = os.getenv("GATEHOUSE_BENCH_ENDS_AT")
local headers = {
   ["Authorization"] = "Bearer " .. token,
   ["Content-Type"] = "application/json",
}
local threads = {}
local created = {}
local count = 0

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function request()
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

function response(status, _, body)
   local id = status == 201 and body:match('"id":"([^"]+)"')
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
