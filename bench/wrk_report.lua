-- wrk script of `make bench`: count responses that are not 2xx, and print the run's result
-- as one JSON line (latency percentiles in milliseconds, requests per second, failures).
-- A redirect to the login page is fast; counting it here keeps it from passing as a fast page.

local threads = {}

function setup(thread)
  thread:set("non_2xx", 0)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local non_2xx = 0
  for _, thread in ipairs(threads) do
    non_2xx = non_2xx + thread:get("non_2xx")
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "bytes": %d, "rps": %.2f, '
      .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "mean_ms": %.2f, '
      .. '"non_2xx": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.bytes, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    non_2xx, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
