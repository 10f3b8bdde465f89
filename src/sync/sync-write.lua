-- sync-write: applies a batch of synced-namespace operations in order, each exactly once.
-- KEYS[1] {…}:d data hash (field → value)       KEYS[2] {…}:v versions zset (field → version; tombstones stay)
-- KEYS[3] {…}:m meta hash (n: last version, e: epoch)
-- KEYS[4] {…}:o outcomes hash (op id → outcome)  KEYS[5] {…}:t op times zset (op id → server ms)
-- ARGV[1] ttl ms of the namespace (0: none)       ARGV[2] ms an op id is kept     ARGV[3] number of ops
-- then per op: id, field count, then per field: name, action ("s" set | "d" delete), value,
--   expectation: "" (unconditional), "v<N>" (applies when the field's version is <= N),
--   "@<op id>" (applies when that earlier op applied this field and no write of it came since).
-- Outcome of an op: "<version>|" followed by "<len>:<field>" for each field that lost its
-- expectation; version 0 when no field applied. An op id already recorded is not applied
-- again: its recorded outcome is returned.
-- Returns  one {1 applied now | 2 already applied, outcome} per op, in order.
local function parse(outcome)
  local bar = string.find(outcome, "|", 1, true)
  local version = tonumber(string.sub(outcome, 1, bar - 1))
  local lost = {}
  local i = bar + 1
  while i <= #outcome do
    local colon = string.find(outcome, ":", i, true)
    local len = tonumber(string.sub(outcome, i, colon - 1))
    lost[string.sub(outcome, colon + 1, colon + len)] = true
    i = colon + len + 1
  end
  return version, lost
end

local function allowed(field, expect)
  if expect == "" then return true end
  local current = tonumber(redis.call("ZSCORE", KEYS[2], field) or "0")
  local kind = string.sub(expect, 1, 1)
  if kind == "v" then return current <= tonumber(string.sub(expect, 2)) end
  local earlier = redis.call("HGET", KEYS[4], string.sub(expect, 2))
  if not earlier then return false end
  local version, lost = parse(earlier)
  return version > 0 and not lost[field] and current <= version
end

local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local replies = {}
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  local id = ARGV[i]
  local count = tonumber(ARGV[i + 1])
  i = i + 2
  local recorded = redis.call("HGET", KEYS[4], id)
  if recorded then
    replies[#replies + 1] = {2, recorded}
    i = i + count * 4
  else
    local apply = {}
    local lost = {}
    for f = 1, count do
      local field, expect = ARGV[i], ARGV[i + 3]
      if allowed(field, expect) then
        apply[#apply + 1] = i
      else
        lost[#lost + 1] = #field .. ":" .. field
      end
      i = i + 4
    end
    local version = 0
    if #apply > 0 then
      version = redis.call("HINCRBY", KEYS[3], "n", 1)
      redis.call("HSETNX", KEYS[3], "e", id)
      for _, at in ipairs(apply) do
        if ARGV[at + 1] == "d" then
          redis.call("HDEL", KEYS[1], ARGV[at])
        else
          redis.call("HSET", KEYS[1], ARGV[at], ARGV[at + 2])
        end
        redis.call("ZADD", KEYS[2], version, ARGV[at])
      end
    end
    local outcome = version .. "|" .. table.concat(lost)
    redis.call("HSET", KEYS[4], id, outcome)
    redis.call("ZADD", KEYS[5], now, id)
    replies[#replies + 1] = {1, outcome}
  end
end
-- Forget op ids older than the retention (a few per call: the cost stays bounded).
local old = redis.call("ZRANGEBYSCORE", KEYS[5], "-inf", now - tonumber(ARGV[2]), "LIMIT", 0, 64)
if #old > 0 then
  redis.call("HDEL", KEYS[4], unpack(old))
  redis.call("ZREM", KEYS[5], unpack(old))
end
local ttl = tonumber(ARGV[1])
if ttl > 0 then
  for k = 1, 5 do redis.call("PEXPIRE", KEYS[k], ttl) end
end
return replies
