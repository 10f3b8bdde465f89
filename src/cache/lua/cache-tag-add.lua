-- cache-tag-add: records entry keys under a tag and keeps the tag set alive as long as them.
-- KEYS[1]  the tag set
-- ARGV[1]  TTL in ms of the entries being added (0 = they never expire)
-- ARGV[2…] the entry keys
-- Returns  the number of keys that were new in the set.
-- The set's TTL only ever grows (to the longest-lived member's), and becomes none when a
-- member has none, so the set never disappears before an entry it indexes.
local ms = tonumber(ARGV[1])
local before = redis.call("PTTL", KEYS[1])
local added = redis.call("SADD", KEYS[1], unpack(ARGV, 2))
if ms == 0 then
  if before ~= -1 then redis.call("PERSIST", KEYS[1]) end
elseif before == -2 or (before >= 0 and before < ms) then
  redis.call("PEXPIRE", KEYS[1], ms)
end
return added
