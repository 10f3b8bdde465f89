-- rate-limit-sliding-window: an exact sliding log on the server's clock (TIME): at most `limit`
-- units in any window of `window` µs. One member per unit consumed, scored by its time.
-- KEYS[1]  {…rl…}:sw  zset: member "<µs>:<i>" → server time in µs
-- ARGV[1]  limit   ARGV[2]  window in µs   ARGV[3]  cost   ARGV[4]  "1" consume | "0" peek
-- Returns  {allowed "1"|"0", remaining, reset µs (until every unit is back), retry-after µs (until
--          this cost would be allowed; "0" when allowed), server time µs}, all as strings.
-- Time only moves forward per key: a clock that stepped back (or two calls in one µs) counts as
-- 1 µs after the newest entry, so the window never counts an entry twice or forgets one early.
local K = KEYS[1]
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1e6 + tonumber(t[2])
local function us(x) return string.format("%.0f", x) end

local newest = redis.call("ZRANGE", K, -1, -1, "WITHSCORES")
if #newest == 2 and now <= tonumber(newest[2]) then now = tonumber(newest[2]) + 1 end
-- An entry at time s counts while now - window < s.
redis.call("ZREMRANGEBYSCORE", K, "-inf", us(now - window))
local count = redis.call("ZCARD", K)

if count + cost <= limit then
  local last = nil
  if ARGV[4] == "1" then
    local args, stamp = {}, us(now)
    for i = 1, cost do
      args[#args + 1] = stamp
      args[#args + 1] = stamp .. ":" .. i
      if #args >= 2000 or i == cost then
        redis.call("ZADD", K, unpack(args))
        args = {}
      end
    end
    redis.call("PEXPIRE", K, math.ceil(window / 1000) + 1)
    count = count + cost
    last = now
  else
    local n = redis.call("ZRANGE", K, -1, -1, "WITHSCORES")
    if #n == 2 then last = tonumber(n[2]) end
  end
  local reset = last and (last + window - now) or 0
  return {"1", us(limit - count), us(reset), "0", us(now)}
end

-- Denied: the (count + cost - limit)-th oldest unit must leave the window first.
local k = count + cost - limit
local e = redis.call("ZRANGE", K, k - 1, k - 1, "WITHSCORES")
local n = redis.call("ZRANGE", K, -1, -1, "WITHSCORES")
local retry = tonumber(e[2]) + window - now
local reset = tonumber(n[2]) + window - now
return {"0", us(limit - count), us(reset), us(retry), us(now)}
