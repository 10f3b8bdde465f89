-- stream-group-claim: takes pending entries of a consumer group for one consumer, with their delivery counts
-- (one step of RStreamGroup.consume).
-- KEYS[1]  the stream
-- ARGV[1]  the group
-- ARGV[2]  the consumer
-- ARGV[3]  "idle": claim entries pending in any consumer for at least ARGV[4] ms (XAUTOCLAIM from ARGV[5]);
--          "own": re-read this consumer's own pending entries with IDs greater than ARGV[5] (XREADGROUP … ID)
-- ARGV[4]  minimum idle time in ms ("idle" mode)
-- ARGV[5]  the cursor: an ID to continue from ("0-0" at first)
-- ARGV[6]  at most this many entries
-- Returns  {next cursor ("0-0" when done), {{id, {field, value, …}, deliveries}, …}, {IDs deleted from the stream}}.
--          Entries deleted from the stream are dropped from the PEL (XAUTOCLAIM does it; "own" mode acks them).
-- Errors   NOGROUP when the stream or the group does not exist.
local entries, deleted, nextId = {}, {}, '0-0'
if ARGV[3] == 'idle' then
  local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[4], ARGV[5], 'COUNT', ARGV[6])
  nextId, entries, deleted = r[1], r[2], r[3]
else
  local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[6], 'STREAMS', KEYS[1], ARGV[5])
  local all = r and r[1][2] or {}
  for _, e in ipairs(all) do
    if e[2] then
      entries[#entries + 1] = e
    else
      redis.call('XACK', KEYS[1], ARGV[1], e[1])
      deleted[#deleted + 1] = e[1]
    end
  end
  if #all == tonumber(ARGV[6]) then nextId = all[#all][1] end
end
local out = {}
for i, e in ipairs(entries) do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
  out[i] = {e[1], e[2], p[1] and p[1][4] or 0}
end
return {nextId, out, deleted}
