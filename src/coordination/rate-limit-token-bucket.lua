-- rate-limit-token-bucket: a bucket of `burst` tokens refilled with `limit` tokens at every
-- multiple of `window` µs on the server's clock (TIME); a call takes `cost` tokens.
-- KEYS[1]  {…rl…}:tb  hash: t = tokens left, p = refill period of that count (floor(time / window))
-- ARGV[1]  limit (tokens per refill)   ARGV[2]  window in µs   ARGV[3]  burst (capacity)
-- ARGV[4]  cost   ARGV[5]  "1" consume | "0" peek
-- Returns  {allowed "1"|"0", remaining, reset µs (until the bucket is full), retry-after µs (until
--          `cost` tokens are there; "0" when allowed), server time µs}, all as strings.
-- The key expires when the bucket would be full (a missing bucket is a full one). A clock that
-- stepped back stays in the stored period, so no refill is ever counted twice.
local K = KEYS[1]
local limit, window, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1e6 + tonumber(t[2])
local function us(x) return string.format("%.0f", x) end

local period = math.floor(now / window)
local state = redis.call("HMGET", K, "t", "p")
local tokens, last = tonumber(state[1]), tonumber(state[2])
if not tokens or not last then tokens, last = burst, period end
if period < last then period = last end
if now < period * window then now = period * window end
tokens = math.min(burst, tokens + (period - last) * limit)

local function until_periods(missing)
  if missing <= 0 then return 0 end
  return (period + math.ceil(missing / limit)) * window - now
end

if tokens >= cost then
  if ARGV[5] == "1" then
    tokens = tokens - cost
    redis.call("HSET", K, "t", us(tokens), "p", us(period))
    redis.call("PEXPIRE", K, math.ceil(until_periods(burst - tokens) / 1000) + 1)
  end
  return {"1", us(tokens), us(until_periods(burst - tokens)), "0", us(now)}
end
return {"0", us(tokens), us(until_periods(burst - tokens)), us(until_periods(cost - tokens)), us(now)}
