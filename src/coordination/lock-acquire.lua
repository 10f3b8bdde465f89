-- lock-acquire: takes the lock when it is free, or confirms it to the caller already holding it
-- (a retry with the same token after a lost reply: acquiring is idempotent per token).
-- KEYS[1]  {…lock…}:o  owner: the holder's token, expiring after the ttl
-- KEYS[2]  {…lock…}:f  fencing counter: INCR on every acquisition, never expires
-- ARGV[1]  token   ARGV[2]  ttl in ms
-- Returns  {1, fencing token} when the caller holds the lock (taken now, or already its own;
--          the ttl starts again either way), {0, ms until the holder's ttl ends (-1: none)} otherwise.
local owner = redis.call("GET", KEYS[1])
if not owner then
  local fence = redis.call("INCR", KEYS[2])
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  return {1, fence}
end
if owner == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return {1, tonumber(redis.call("GET", KEYS[2]))}
end
return {0, redis.call("PTTL", KEYS[1])}
