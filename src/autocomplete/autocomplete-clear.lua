-- autocomplete-clear: deletes one chunk of an autocomplete index; call until it returns 0.
-- KEYS[1]  <tag>:d  hash (items)      KEYS[2]  <tag>:w  hash (the lexical trie)
-- KEYS[3]  <tag>:b  zset (boosts)
-- ARGV[1]  the index's hash tag;  ARGV[2]  entries per chunk
-- Returns  0 once every key of the index is gone, else 1.
-- Every key of an index is known (see autocomplete-write.lua): the trie W names every bucket
-- and split prefix (whose list is <tag>:p:<p>), and a pair list is one of two pair-common
-- prefixes of two words of a (not wide) item. So no SCAN (let alone KEYS): each chunk walks
-- the trie depth first, unlinks buckets and the pair lists of their items, and a split prefix
-- (its list, its trie and count fields) once everything under it is gone. The items go last.
-- step, prefixes, less, nodes and load_nodes come from autocomplete-trie-lib.lua (prepended).
local D, W, B = KEYS[1], KEYS[2], KEYS[3]
local tag, budget = ARGV[1], tonumber(ARGV[2])
local N, X = tag .. ":n", tag .. ":x"

local keys, seen, done = {}, {}, {}
local function unlink(k)
  if not seen[k] then seen[k] = true; keys[#keys + 1] = k end
end
-- The pair lists of an item (its folded words; the trie still holds all their prefixes).
local function pairs_of(folded)
  local words, twos, n = {}, {}, 0
  for w in string.gmatch(folded, "[^ ]+") do
    local ps = prefixes(w)
    load_nodes(ps)
    local t = {}
    for _, p in ipairs(ps) do if nodes[p].flag == 2 then t[#t + 1] = p end end
    words[#words + 1] = t
    if ps[2] and not twos[ps[2]] then twos[ps[2]] = true; n = n + 1 end
  end
  if n > 6 then return end -- a wide item is in no pair list
  for x = 1, #words do
    for y = x + 1, #words do
      for _, a in ipairs(words[x]) do
        for _, b in ipairs(words[y]) do
          if string.sub(b, 1, #a) ~= a and string.sub(a, 1, #b) ~= b then
            if less(b, a) then unlink(tag .. ":q:" .. b .. " " .. a) else unlink(tag .. ":q:" .. a .. " " .. b) end
          end
        end
      end
    end
  end
end
-- Unlinks a bucket and the pair lists of its items (entries "word\0score\0folded\0key").
local function clear_bucket(b)
  local lk = tag .. ":l:" .. b
  for _, m in ipairs(redis.call("ZRANGE", lk, 0, -1)) do
    local folded, k = string.match(m, "^[^%z]*%z[^%z]*%z([^%z]*)%z(.*)$")
    if not done[k] then done[k] = true; pairs_of(folded) end
    budget = budget - 1
  end
  unlink(lk)
end
-- Clears the subtree of split prefix p as far as the budget allows: true when it is all gone.
local function visit(p)
  local k, i, left = nodes[p].kids, 1, ""
  while i <= #k do
    local n = step(k, i)
    local ch = string.sub(k, i, i + n - 1)
    if budget <= 0 then
      left = left .. string.sub(k, i)
      break
    end
    i = i + n
    if ch == "$" then
      clear_bucket(p .. "$")
    else
      local c = p .. ch
      load_nodes({ c })
      if nodes[c].flag > 0 then
        if not visit(c) then left = left .. ch end
      else
        clear_bucket(c)
      end
    end
  end
  if left ~= "" then
    redis.call("HSET", W, p, nodes[p].flag .. left)
    return false
  end
  if p ~= "" then
    unlink(tag .. ":p:" .. p)
    redis.call("HDEL", W, p)
    redis.call("HDEL", N, p)
  end
  return true
end

-- the generation survives: answers cached before the clear never come back
redis.call("INCR", tag .. ":g")
load_nodes({ "" })
local finished = visit("")
for i = 1, #keys, 1000 do redis.call("UNLINK", unpack(keys, i, math.min(i + 999, #keys))) end
if not finished then return 1 end
redis.call("UNLINK", D, W, N, B, X)
return 0
