-- autocomplete-clear: deletes one chunk of an autocomplete index; call until it returns 0.
-- KEYS[1]  <tag>:d  hash (items)      KEYS[2]  <tag>:w  zset (lexical index)
-- KEYS[3]  <tag>:b  zset (boosts)
-- ARGV[1]  the index's hash tag;  ARGV[2]  L;  ARGV[3]  words per chunk
-- Returns  the number of lexical entries left (0 once every key of the index is gone).
-- Every key of an index is known: the three above plus one prefix list per distinct prefix
-- (1..L characters) of an indexed word and one pair list per pair of distinct 2-character
-- prefixes of an item's words, and the wide-items zset <tag>:x, so no SCAN (let alone KEYS)
-- is needed. Each chunk
-- unlinks the prefix lists of the first words of the lexical index, then those entries.
local D, W, B = KEYS[1], KEYS[2], KEYS[3]
local tag, L, chunk = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local X = tag .. ":x"
local entries = redis.call("ZRANGE", W, 0, chunk - 1)
if #entries == 0 then
  redis.call("UNLINK", D, W, B, X)
  return 0
end
local seen, keys = {}, {}
local function key(k)
  if not seen[k] then
    seen[k] = true
    keys[#keys + 1] = k
  end
end
local function prefix(w, chars)
  local n, i = 0, 1
  while i <= #w and n < chars do
    local c = string.byte(w, i)
    i = i + ((c < 0x80 and 1) or (c < 0xE0 and 2) or (c < 0xF0 and 3) or 4)
    n = n + 1
  end
  return string.sub(w, 1, i - 1), n
end
local items, done = {}, {}
for _, e in ipairs(entries) do
  local a = string.find(e, "\0", 1, true)
  local w = string.sub(e, 1, a - 1)
  for n = 1, L do
    local p, got = prefix(w, n)
    if got < n then break end
    key(tag .. ":p:" .. p)
  end
  local k = string.sub(e, a + 1)
  if not done[k] then
    done[k] = true
    items[#items + 1] = k
  end
end
-- pair lists: from the folded words in the records of this chunk's items
for i = 1, #items, 500 do
  local recs = redis.call("HMGET", D, unpack(items, i, math.min(i + 499, #items)))
  for _, r in ipairs(recs) do
    local folded = r and string.match(r, "^[^%z]*%z([^%z]*)%z") or ""
    local twos, list = {}, {}
    for x in string.gmatch(folded, "[^ ]+") do
      local p, got = prefix(x, 2)
      if got == 2 and not twos[p] then
        twos[p] = true
        list[#list + 1] = p
      end
    end
    table.sort(list)
    if #list > 6 then list = {} end -- a wide item: no pair lists (see autocomplete-write)
    for x = 1, #list do
      for y = x + 1, #list do key(tag .. ":q:" .. list[x] .. " " .. list[y]) end
    end
  end
end
for i = 1, #keys, 1000 do
  redis.call("UNLINK", unpack(keys, i, math.min(i + 999, #keys)))
end
redis.call("ZREMRANGEBYRANK", W, 0, #entries - 1)
local left = redis.call("ZCARD", W)
if left == 0 then redis.call("UNLINK", D, W, B, X) end
return left
