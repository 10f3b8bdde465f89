-- model-expire: sets (or removes) the TTL of one record.
-- KEYS[1]  {…}:all   ARGV[1] ModelKeys.base   ARGV[2] schema JSON   ARGV[3] pk
-- ARGV[4]  TTL in ms, or "" to remove it; "?" only reads it
-- Returns  remaining ms (-1 = no TTL) or -2 when the record does not exist / has expired
init(ARGV[1], ARGV[2])
local now = now_ms()
local pk, ttl = ARGV[3], ARGV[4]
if redis.call("EXISTS", rkey(pk)) == 0 or is_expired(pk, now) then return -2 end
if ttl == "" then
  redis.call("ZREM", M.exp, pk)
  return -1
elseif ttl ~= "?" then
  redis.call("ZADD", M.exp, now + tonumber(ttl), pk)
  return tonumber(ttl)
end
local at = redis.call("ZSCORE", M.exp, pk)
if not at then return -1 end
return tonumber(at) - now
