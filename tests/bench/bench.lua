-- wrk script for `make bench` (tests/bench/compare.py).
--
-- Always: at the end, one line "BENCH {json}" with the counts and latency percentiles.
-- With BENCH_POST_SPEC naming a Lua file (written by compare.py) that returns
--   { path = "/…", expect = 302, sessions = { { headers = {…}, prefix = "…", suffix = "…" }, … } }
-- every request is a POST from one of those sessions (cookies and tokens fetched
-- beforehand, as a browser has them) whose body is prefix .. word .. suffix, with a
-- word never sent before (BENCH_TAG keeps runs apart), since the same text twice is
-- refused; the responses are counted as expected or not.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local spec_path = os.getenv("BENCH_POST_SPEC")

if spec_path then
  local spec = dofile(spec_path)
  local tag = os.getenv("BENCH_TAG") or "a"
  sent, ok, unexpected = 0, 0, 0

  -- Letters only: digits could look like a phone number to the forum's screening.
  local function letters(n)
    local s = ""
    repeat
      s = string.char(97 + n % 26) .. s
      n = math.floor(n / 26)
    until n == 0
    return s
  end

  function request()
    sent = sent + 1
    local session = spec.sessions[(tid * 7919 + sent) % #spec.sessions + 1]
    local word = tag .. "q" .. letters(tid) .. "q" .. letters(sent)
    return wrk.format("POST", spec.path, session.headers, session.prefix .. word .. session.suffix)
  end

  function response(status, headers, body)
    if status == spec.expect then
      ok = ok + 1
    else
      unexpected = unexpected + 1
    end
  end
end

function done(summary, latency, requests)
  local ok_total, unexpected_total = 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + (thread:get("ok") or 0)
    unexpected_total = unexpected_total + (thread:get("unexpected") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "posts": %s, "ok": %d, "unexpected": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    spec_path and "true" or "false", ok_total, unexpected_total
  ))
end
