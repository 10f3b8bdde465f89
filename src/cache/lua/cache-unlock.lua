-- cache-unlock: releases a cache computation lock only if this caller still holds it.
-- KEYS[1]  the lock key
-- ARGV[1]  the token written by SET NX PX when the lock was taken
-- Returns  1 when the lock was released, 0 when it had expired or belongs to someone else.
-- Why a script: GET + DEL from the client could delete a lock another process took after ours expired.
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
