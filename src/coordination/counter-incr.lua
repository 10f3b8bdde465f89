-- counter-incr: adds to a counter and restarts its idle expiry (a sliding ttl), atomically.
-- KEYS[1]  the counter (integer string)
-- ARGV[1]  increment (integer, may be negative)   ARGV[2]  idle ttl in ms
-- Returns  the new value. Errors: Redis's own when the value is not an integer.
local v = redis.call("INCRBY", KEYS[1], ARGV[1])
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return v
