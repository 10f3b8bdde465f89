-- autocomplete-write-lib: the key layout, trie and list functions of autocomplete-write.lua,
-- which the registry (src/lua/registry.ts) prepends to it (after autocomplete-trie-lib.lua,
-- the UTF-8 and trie helpers shared with search and clear); not a script of its own.
--
-- The script adds (upserts) and removes items of one autocomplete index, atomically.
-- KEYS[1]  <tag>:d  hash  item key → record "score\0folded words\0title\0data"
-- KEYS[2]  <tag>:w  hash  the lexical trie: split prefix → flag .. the characters following it
-- KEYS[3]  <tag>:b  zset  stored boosts (untouched here; passed so every key is declared)
-- ARGV[1]  the index's hash tag (the keys below live under it, same slot)
-- ARGV[2]  K: list capacity, and the bucket size past which a prefix splits
-- ARGV[3]  T: the number of entries past which a split prefix is "pair-common"
-- ARGV[4…] operations, any number: "A", key, score, folded, title, data | "R", key
-- Returns  one integer per operation: A → 1 new item, 0 updated; R → 1 removed, 0 absent.
-- Lexical index (an entry "word\0score\0folded\0key" per distinct word of an item, key =
-- "type\0id": what a search ranks by, so it reads no record): a trie
-- whose leaves are small buckets <tag>:l:<b>. The root "" and every split prefix p have a field
-- in W: flag (0 for the root, 1 split, 2 split and pair-common) then the characters that follow
-- p in indexed words, "$" for a word equal to p. A word's entry lives in the bucket of its
-- shortest unsplit prefix, or in "<word>$" when every prefix is split; a bucket past K entries
-- splits. <tag>:n counts the entries under each split prefix; past T it becomes pair-common.
-- Splits and flags are never undone. So an unsplit prefix starts at most K entries, and a
-- prefix that is not pair-common at most T (what searches rely on).
-- Lists: <tag>:p:<p> (split p) holds the best K items having a word starting with p, and
-- <tag>:q:<a> <b> (a < b bytewise, both pair-common, neither a prefix of the other) the best K
-- having a word starting with a and another starting with b. Ordered as a search ranks: score
-- "-s" (ascending = best first), member rank .. folded .. "\0" .. key, rank = 3 bytes: 2 - (list
-- prefixes equal to a whole word), then the summed byte offsets of the words they match. A list
-- that overflowed holds at score -inf the header "\255" .. s .. "\0" .. m: it holds every item
-- ranking before (s, m), the best one it lacks. A list whose live part falls under K/2 is
-- rebuilt. Items with more than WIDE distinct 2-character word prefixes are "wide": in no pair
-- list, but in <tag>:x ("folded\0key", score), read whole by searches next to a pair list.
local D, W = KEYS[1], KEYS[2]
local tag, K, T = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local N, X = tag .. ":n", tag .. ":x"
local HEAD, WIDE = "\255", 6

local function neg(s)
  if s == "0" then return s end
  if string.sub(s, 1, 1) == "-" then return string.sub(s, 2) end
  return "-" .. s
end

-- An item: key, score, folded words (and " folded "), words, and whether it is wide.
local function item(key, score, folded)
  local words, twos, n = {}, {}, 0
  for w in string.gmatch(folded, "[^ ]+") do
    words[#words + 1] = w
    local p = prefixes(w)[2]
    if p and not twos[p] then twos[p] = true; n = n + 1 end
  end
  local ns = neg(score)
  return { key = key, score = score, n = tonumber(ns), ns = ns, folded = folded, sp = " " .. folded .. " ", words = words, wide = n > WIDE }
end

-- Loads the nodes of the words' prefixes, level by level, down to each word's first unsplit one.
local function load_items(its)
  load_nodes({ "" })
  local words, seen = {}, {}
  for _, it in ipairs(its) do
    for _, w in ipairs(it.words) do
      if not seen[w] then seen[w] = true; words[#words + 1] = w end
    end
  end
  local level = 1
  while #words > 0 do
    local ps, next_words = {}, {}
    for _, w in ipairs(words) do ps[#ps + 1] = prefixes(w)[level] end
    load_nodes(ps)
    for _, w in ipairs(words) do
      local p = prefixes(w)
      if nodes[p[level]].flag > 0 and p[level + 1] then next_words[#next_words + 1] = w end
    end
    words, level = next_words, level + 1
  end
end
local function hset_all(key, t)
  local args = {}
  for f, v in pairs(t) do args[#args + 1] = f; args[#args + 1] = v end
  for i = 1, #args, 2000 do redis.call("HSET", key, unpack(args, i, math.min(i + 1999, #args))) end
end
local dirty = {}
local function save(p) dirty[p] = true end
local function flush_nodes()
  local t = {}
  for p in pairs(dirty) do t[p] = nodes[p].flag .. nodes[p].kids end
  hset_all(W, t)
  dirty = {}
end
-- Every live item having a word that starts with p, from its entries (items shared by key).
local ITEMS = {}
local function items_with(p)
  load_nodes(prefixes(p))
  local bs, partial = buckets_under(p)
  local seen, out = {}, {}
  for _, b in ipairs(bs) do
    local es = partial and redis.call("ZRANGE", lkey(b), "[" .. p, "[" .. p .. "\255", "BYLEX") or redis.call("ZRANGE", lkey(b), 0, -1)
    for _, m in ipairs(es) do
      local s, folded, k = string.match(m, "^[^%z]*%z([^%z]*)%z([^%z]*)%z(.*)$")
      if not seen[k] then
        seen[k] = true
        local it = ITEMS[k]
        if not it or it.score ~= s or it.folded ~= folded then it = item(k, s, folded); ITEMS[k] = it end
        out[#out + 1] = it
      end
    end
  end
  return out
end

-- List specs: { a, b (pairs), key, " a ", " a", " b ", " b" } (memoized).
local SPEC = {}
local function spec_of(a, b)
  local k = b and (a .. " " .. b) or a
  local s = SPEC[k]
  if not s then
    s = { a, b, b and tag .. ":q:" .. k or tag .. ":p:" .. a, " " .. a .. " ", " " .. a, b and " " .. b .. " ", b and " " .. b }
    SPEC[k] = s
  end
  return s
end
-- The member of an item in a list: 3 rank bytes (see the header), folded words, key.
local function member(spec, it)
  local exact, pos = 0, 0
  for k = 4, spec[2] and 6 or 4, 2 do
    local at = string.find(it.sp, spec[k], 1, true)
    if at then exact = exact + 1 else at = string.find(it.sp, spec[k + 1], 1, true) or 0 end
    pos = pos + at
  end
  return string.char(2 - exact, math.floor(pos / 256) % 256, pos % 256) .. it.folded .. "\0" .. it.key
end
-- A list entry { n, "n", member } of an item.
local function entry(spec, it)
  return { it.n, it.ns, member(spec, it) }
end
-- The pair list of a and b, false when one is a prefix of the other (memoized).
local PAIRS = {}
local function pair(a, b)
  local row = PAIRS[a]
  if not row then row = {}; PAIRS[a] = row end
  local s = row[b]
  if s == nil then
    if string.sub(b, 1, #a) == a or string.sub(a, 1, #b) == b then s = false
    elseif less(b, a) then s = spec_of(b, a)
    else s = spec_of(a, b) end
    row[b] = s
  end
  return s
end
-- The lists of an item (nodes loaded), or with `only` its pair lists pairing that prefix.
local function lists_of(it, only)
  local out, twos = {}, {}
  for i, w in ipairs(it.words) do
    local t = {}
    for _, p in ipairs(prefixes(w)) do
      local f = nodes[p].flag
      if f == 0 then break end
      if not only then local s = spec_of(p); out[s[3]] = s end
      if f == 2 then t[#t + 1] = p end
    end
    twos[i] = t
  end
  if it.wide then return out end
  for i = 1, #it.words do
    for j = i + 1, #it.words do
      for _, a in ipairs(twos[i]) do
        for _, b in ipairs(twos[j]) do
          if not only or a == only or b == only then
            local s = pair(a, b)
            if s then out[s[3]] = s end
          end
        end
      end
    end
  end
  return out
end

-- Refills a list: its best K items, plus the header naming the next one when there are more.
local function rebuild(spec)
  local pk, a, b = spec[3], spec[1], spec[2]
  redis.call("DEL", pk)
  local drive, other = a, b
  if b then
    local c = redis.call("HMGET", N, a, b)
    if (tonumber(c[2]) or 0) < (tonumber(c[1]) or 0) then drive, other = b, a end
  end
  local es = {}
  for _, it in ipairs(items_with(drive)) do
    if not b or (not it.wide and string.find(it.sp, " " .. other, 1, true)) then es[#es + 1] = entry(spec, it) end
  end
  if #es == 0 then return end
  table.sort(es, function(x, y)
    if x[1] ~= y[1] then return x[1] < y[1] end
    return less(x[3], y[3])
  end)
  local args = {}
  for i = 1, math.min(K, #es) do args[#args + 1] = es[i][2]; args[#args + 1] = es[i][3] end
  if #es > K then args[#args + 1] = "-inf"; args[#args + 1] = HEAD .. es[K + 1][2] .. "\0" .. es[K + 1][3] end
  for i = 1, #args, 2000 do redis.call("ZADD", pk, unpack(args, i, math.min(i + 1999, #args))) end
end

-- The header of a list, if it overflowed: member, boundary score (number), boundary member.
local function header(pk)
  local h = redis.call("ZRANGE", pk, 0, 0)[1]
  if not h or string.byte(h, 1) ~= 255 then return nil end
  local z = string.find(h, "\0", 2, true)
  return h, tonumber(string.sub(h, 2, z - 1)), string.sub(h, z + 1)
end

-- Adds items to a list: those ranking before its boundary; evicts past K. With a small K, they
-- go in chunks that keep the list under 128 members (a listpack).
local function plist_add(spec, its)
  local pk, from = spec[3], 1
  local room = K < 126 and 126 - K or 2000
  while from <= #its do
    local h, bn, bm = header(pk)
    local args = {}
    while from <= #its and #args < 2 * room do
      local it = its[from]
      from = from + 1
      if not h or it.n <= bn then
        local m = member(spec, it)
        if not h or it.n < bn or less(m, bm) then args[#args + 1] = it.ns; args[#args + 1] = m end
      end
    end
    if #args > 0 then
      redis.call("ZADD", pk, unpack(args))
      local keep = K + (h and 1 or 0)
      local low = redis.call("ZRANGE", pk, keep, -1, "WITHSCORES")
      if #low > 0 then
        redis.call("ZREMRANGEBYRANK", pk, keep, -1)
        if h then redis.call("ZREM", pk, h) end
        redis.call("ZADD", pk, "-inf", HEAD .. low[2] .. "\0" .. low[1])
      end
    end
  end
end

local function plist_remove(spec, it)
  local pk = spec[3]
  if redis.call("ZREM", pk, member(spec, it)) == 0 then return end
  if header(pk) and redis.call("ZCARD", pk) - 1 < K / 2 then rebuild(spec) end
end
