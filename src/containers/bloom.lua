-- bloom: adds members to a Bloom filter, or tests them, in one call (RBloomFilter).
-- KEYS[1]  the filter: a string whose first 32 bytes are a header naming its sizes, then the bits
-- ARGV[1]  "add" or "has"
-- ARGV[2]  the header the filter must have ("narwhal-bloom:1 k=<k> m=<m>", padded to 32 bytes)
-- ARGV[3]  k, the number of bit positions per member
-- ARGV[4]  the members' bit offsets (header included), k per member, computed by the client:
--          4 bytes each, big-endian (one argument, so a call can carry any number of members)
-- Returns  one integer per member: "add" → 1 when the member was (probably) new (one of its bits was 0),
--          "has" → 1 when it is probably present (all its bits are 1). A missing key has no member.
-- Errors   NARWHAL VALIDATION (path "options") when the key holds a filter of other sizes, or another string.
-- The bits are set and read with BITFIELD (u1 operations, a few thousand per call), not one
-- SETBIT/GETBIT per bit.
local add = ARGV[1] == 'add'
local k = tonumber(ARGV[3])
local packed = ARGV[4]
local n = #packed / (4 * k)
local out = {}
local header = redis.call('GETRANGE', KEYS[1], 0, 31)
if header == '' and redis.call('EXISTS', KEYS[1]) == 0 then
  if not add then
    for i = 1, n do out[i] = 0 end
    return out
  end
  redis.call('SETRANGE', KEYS[1], 0, ARGV[2])
elseif header ~= ARGV[2] then
  return redis.error_reply('NARWHAL VALIDATION {"path":"options","message":"the key holds another value, or a Bloom filter of other sizes than ' .. ARGV[2]:gsub(' +$', '') .. ' (other capacity or errorRate)"}')
end

local args, owner = {}, {}
local function flush()
  if #owner == 0 then return end
  local bits = redis.call(add and 'BITFIELD' or 'BITFIELD_RO', KEYS[1], unpack(args))
  for j = 1, #bits do
    if bits[j] == 0 then out[owner[j]] = add and 1 or 0 end
  end
  args, owner = {}, {}
end

for i = 1, n do
  out[i] = add and 0 or 1
  for j = 1, k do
    local at = ((i - 1) * k + j - 1) * 4 + 1
    local b1, b2, b3, b4 = string.byte(packed, at, at + 3)
    local pos = ((b1 * 256 + b2) * 256 + b3) * 256 + b4
    if add then
      args[#args + 1] = 'SET'
      args[#args + 1] = 'u1'
      args[#args + 1] = pos
      args[#args + 1] = 1
    else
      args[#args + 1] = 'GET'
      args[#args + 1] = 'u1'
      args[#args + 1] = pos
    end
    owner[#owner + 1] = i
    if #args >= 6000 then flush() end
  end
end
flush()
return out
