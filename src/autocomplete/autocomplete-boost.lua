-- autocomplete-boost: stores (ZADD) or removes (factor 1: ZREM) one boost of an autocomplete
-- index and moves its generation, as every other change of the index does, so answers cached
-- before it (in Redis, and in the local answer tiers that track <tag>:g) are never served after.
-- KEYS[1]  <tag>:b  zset (boosts)     KEYS[2]  <tag>:g  the generation
-- ARGV[1]  member ("i\0<id>" or "t\0<type>");  ARGV[2]  factor ("1": remove)
if ARGV[2] == "1" then
  redis.call("ZREM", KEYS[1], ARGV[1])
else
  redis.call("ZADD", KEYS[1], ARGV[2], ARGV[1])
end
redis.call("INCR", KEYS[2])
return 0
