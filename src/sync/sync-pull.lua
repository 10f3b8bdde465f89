-- sync-pull: what changed in a synced namespace since a version a mirror has seen, atomically.
-- KEYS[1] {…}:d data hash   KEYS[2] {…}:v versions zset   KEYS[3] {…}:m meta hash (n, e)
-- ARGV[1] the last version the mirror has seen (0: everything)   ARGV[2] the epoch it saw ("" none)
-- When the epoch differs (the namespace was deleted, expired or flushed and written again), the
-- whole namespace is returned, as for version 0.
-- Returns  {last version (0: empty namespace), epoch ("" none), 1 when everything is returned
--          else 0, then per changed field: name, version, value (nil for a deleted field)}.
local last = redis.call("HGET", KEYS[3], "n")
if not last then return {0, "", 1} end
local epoch = redis.call("HGET", KEYS[3], "e") or ""
local since = tonumber(ARGV[1])
local full = 0
if epoch ~= ARGV[2] or since <= 0 then
  since = 0
  full = 1
end
local reply = {tonumber(last), epoch, full}
local changed = redis.call("ZRANGEBYSCORE", KEYS[2], "(" .. since, "+inf", "WITHSCORES")
for j = 1, #changed, 2 do
  local field = changed[j]
  reply[#reply + 1] = field
  reply[#reply + 1] = tonumber(changed[j + 1])
  reply[#reply + 1] = redis.call("HGET", KEYS[1], field)
end
return reply
