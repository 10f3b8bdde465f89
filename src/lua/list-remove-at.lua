-- list-remove-at: removes the element at an index of a list, atomically.
-- KEYS[1]  the list
-- ARGV[1]  the index (Redis semantics: negative counts from the end)
-- ARGV[2]  a tombstone value that cannot occur in the list (random, per call)
-- Returns  the removed element, or nil when the index is out of range.
-- Why a tombstone: LREM removes by value, so the element at the index is first replaced by a
-- value that exists nowhere else, then that one value is removed.
local value = redis.call("LINDEX", KEYS[1], ARGV[1])
if not value then
  return false
end
redis.call("LSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("LREM", KEYS[1], 1, ARGV[2])
return value
