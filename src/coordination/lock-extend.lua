-- lock-extend: restarts the ttl of a lock the caller still holds.
-- KEYS[1]  {…lock…}:o  owner
-- ARGV[1]  token   ARGV[2]  new ttl in ms (from now)
-- Returns  1 when extended, 0 when the lock is gone or held by another token (the caller lost it).
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
return 0
