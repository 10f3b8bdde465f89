-- semaphore: every operation of a counting semaphore, on the server's clock (TIME), one call each.
-- KEYS[1]  {…sem…}:h  holders: zset token → expiry (server time, µs)
-- KEYS[2]  {…sem…}:t  hash token → fencing token of that holder
-- KEYS[3]  {…sem…}:f  fencing counter: INCR on every acquisition, never expires
-- ARGV[1]  op: "acquire" | "extend" | "release" | "count"
-- ARGV[2]  token   ARGV[3]  ttl in ms   ARGV[4]  limit   ARGV[5]  wake-up channel ("" = none)
-- Returns  acquire: {1, fencing token} when the caller holds a slot (taken now, or already its own:
--            idempotent per token, the ttl starts again), {0, ms until the first holder's ttl ends}
--          extend: 1 (ttl restarted) | 0 (the slot expired or was released: lost)
--          release: 1 (a live slot freed, waiters woken) | 0 (it had expired or was not held)
--          count: the number of live holders
-- Expired holders are removed first by every operation, so an expired slot is never extended or
-- silently taken back: its holder must acquire again and gets a new fencing token.
local H, T, F = KEYS[1], KEYS[2], KEYS[3]
local op, token = ARGV[1], ARGV[2]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1e6 + tonumber(t[2])
local function us(x) return string.format("%.0f", x) end

local expired = redis.call("ZRANGEBYSCORE", H, "-inf", us(now))
if #expired > 0 then
  redis.call("ZREMRANGEBYSCORE", H, "-inf", us(now))
  for i = 1, #expired, 1000 do redis.call("HDEL", T, unpack(expired, i, math.min(i + 999, #expired))) end
end

if op == "count" then return redis.call("ZCARD", H) end

-- The holders' keys live as long as their last holder (the fencing counter stays).
local function keep_alive()
  local last = redis.call("ZRANGE", H, -1, -1, "WITHSCORES")
  if #last == 2 then
    local ms = math.ceil((tonumber(last[2]) - now) / 1000) + 1
    redis.call("PEXPIRE", H, ms)
    redis.call("PEXPIRE", T, ms)
  end
end

local held = redis.call("ZSCORE", H, token)
if op == "release" then
  if not held then return 0 end
  redis.call("ZREM", H, token)
  redis.call("HDEL", T, token)
  if ARGV[5] ~= "" then redis.pcall("PUBLISH", ARGV[5], "1") end
  return 1
end

local expiry = us(now + tonumber(ARGV[3]) * 1000)
if op == "extend" then
  if not held then return 0 end
  redis.call("ZADD", H, expiry, token)
  keep_alive()
  return 1
end

-- acquire
if held then
  redis.call("ZADD", H, expiry, token)
  keep_alive()
  return {1, tonumber(redis.call("HGET", T, token))}
end
if redis.call("ZCARD", H) < tonumber(ARGV[4]) then
  local fence = redis.call("INCR", F)
  redis.call("ZADD", H, expiry, token)
  redis.call("HSET", T, token, fence)
  keep_alive()
  return {1, fence}
end
local first = redis.call("ZRANGE", H, 0, 0, "WITHSCORES")
return {0, math.ceil((tonumber(first[2]) - now) / 1000)}
