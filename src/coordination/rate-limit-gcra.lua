-- rate-limit-gcra: the generic cell rate algorithm on the server's clock (TIME): one unit every
-- T = window/limit µs on average, at most `burst` at once. The state is one number, the
-- theoretical arrival time (TAT): a call of `cost` is allowed when TAT - now + cost·T <= burst·T
-- (+ 1 µs: the TAT is stored rounded UP to a whole µs, which may only make the limiter stricter;
-- the 1 µs keeps the rounding of one call from costing a unit).
-- KEYS[1]  {…rl…}:gcra  string: TAT in whole µs
-- ARGV[1]  limit   ARGV[2]  window in µs   ARGV[3]  burst   ARGV[4]  cost   ARGV[5]  "1" consume | "0" peek
-- Returns  {allowed "1"|"0", remaining, reset µs (until TAT: all units back), retry-after µs ("0"
--          when allowed), server time µs}, all as strings. The key expires at its TAT.
local K = KEYS[1]
local limit, window, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1e6 + tonumber(t[2])
local function us(x) return string.format("%.0f", x) end

local interval = window / limit
local tau = burst * interval + 1
local tat = tonumber(redis.call("GET", K)) or now
if tat < now then tat = now end
local ahead = (tat - now) + cost * interval

local function remaining(at)
  return math.max(0, math.floor((tau - (at - now)) / interval))
end

if ahead <= tau then
  if ARGV[5] == "1" then
    tat = math.ceil(tat + cost * interval)
    redis.call("SET", K, us(tat), "PX", math.ceil((tat - now) / 1000) + 1)
  end
  return {"1", us(remaining(tat)), us(tat - now), "0", us(now)}
end
-- +1e-6: a retry at exactly that time is allowed despite the rounding of cost·T.
return {"0", us(remaining(tat)), us(tat - now), us(math.ceil(ahead - tau + 1e-6)), us(now)}
