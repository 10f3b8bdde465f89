-- lock-release: compare-and-delete: releases the lock only if the caller's token still holds it,
-- then wakes the waiters. Releasing a lock someone else holds is impossible.
-- KEYS[1]  {…lock…}:o  owner
-- ARGV[1]  token   ARGV[2]  wake-up channel ("" = publish nothing)
-- Returns  1 when released, 0 when it had expired or belongs to another token.
-- PUBLISH is best effort (pcall): a server without it in scripts still releases; waiters then poll.
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("DEL", KEYS[1])
if ARGV[2] ~= "" then redis.pcall("PUBLISH", ARGV[2], "1") end
return 1
