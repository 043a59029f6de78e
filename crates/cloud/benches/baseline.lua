-- wrk script for the cloud benchmark's peer (benches/api.rs starts it): every request posts a
-- small JSON body to the bare axum + sqlx endpoint, which inserts one row.
local headers = { ["Content-Type"] = "application/json" }
local count = 0

function request()
   count = count + 1
   return wrk.format("POST", "/baseline", headers, string.format('{"name":"Load %d"}', count))
end

function done(summary)
   local status = summary.errors.status
   io.write(string.format('{"requests":%d,"non_2xx":%d,"socket_errors":%d,"seconds":%f}\n',
      summary.requests, status,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      summary.duration / 1e6))
end
