-- autocomplete-write: adds (upserts) and removes items of one autocomplete index, atomically.
-- KEYS[1]  <tag>:d  hash  item key → record "score\0folded words\0title\0data"
-- KEYS[2]  <tag>:w  zset  lexical index, score 0, member "word\0key" per distinct word
-- KEYS[3]  <tag>:b  zset  stored boosts (untouched here; passed so every key is declared)
-- ARGV[1]  the index's hash tag; prefix lists live at "<tag>:p:<prefix>" (same slot)
-- ARGV[2]  C, the capacity of a prefix list
-- ARGV[3]  L, prefix lists exist for the prefixes of 1..L characters of every word
-- ARGV[4…] operations, any number: "A", key, score, folded, title, data | "R", key
-- Returns  one integer per operation: A → 1 new item, 0 updated; R → 1 removed, 0 absent.
-- An item key is "type\0id". Prefix list <tag>:p:<p> holds the best C items (by score) having a
-- word that starts with p, as members "folded words\0key" (so a search can check every query
-- word and rank without reading the item); when it overflowed it also holds the sentinel
-- member "\255" (greater than any UTF-8 member, so it comes first among equal scores in
-- descending order) whose score
-- W (watermark) is the best score ever evicted: the list contains EVERY item with score > W.
-- Items with score <= W are never added; a list whose live part falls under C/2 is rebuilt
-- from the lexical index (the source of truth).
-- Pair list <tag>:q:<a> <b> (a < b, two different 2-character word prefixes) works the same
-- way for the items having a word starting with a AND another starting with b: it serves
-- multi-word queries whose words are all common ("san pe"). An item with more than WIDE
-- distinct 2-character prefixes would join too many pair lists (quadratic), so it joins
-- none and is kept in the "wide" zset <tag>:x instead (member "folded words\0key", its score),
-- which a search evaluates whole next to any pair list it reads. A rebuild of a pair list skips
-- wide items too: a wide item is in no pair list, ever (else a search would see it twice, and
-- its removal, which visits no pair list, would leave it behind).
local D, W = KEYS[1], KEYS[2]
local tag, CAP, L = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local SENTINEL = "\255"
local WIDE = 6
local X = tag .. ":x"

local function words_of(folded)
  local t = {}
  for w in string.gmatch(folded, "[^ ]+") do t[#t + 1] = w end
  return t
end

-- The prefix and pair lists an item with these words belongs to: list key → { p, q }, where
-- p is the prefix the list is rebuilt from and q (pair lists) the second prefix; and whether
-- the item is wide (more than WIDE distinct 2-character prefixes: then no pair list).
local function lists_of(words)
  local set, twos, list = {}, {}, {}
  for _, w in ipairs(words) do
    local n, i, len = 0, 1, #w
    while i <= len and n < L do
      local c = string.byte(w, i)
      i = i + ((c < 0x80 and 1) or (c < 0xE0 and 2) or (c < 0xF0 and 3) or 4)
      n = n + 1
      local p = string.sub(w, 1, i - 1)
      set[tag .. ":p:" .. p] = { p }
      if n == 2 and not twos[p] then
        twos[p] = true
        list[#list + 1] = p
      end
    end
  end
  if #list > WIDE then return set, true end
  table.sort(list)
  for x = 1, #list do
    for y = x + 1, #list do set[tag .. ":q:" .. list[x] .. " " .. list[y]] = { list[x], list[y] } end
  end
  return set, false
end

-- Is an item with these folded words wide (see lists_of)? Only prefix lists of 2+ characters
-- make pair lists, so with L < 2 nothing is.
local function is_wide(folded)
  if L < 2 then return false end
  local twos, n = {}, 0
  for w in string.gmatch(folded, "[^ ]+") do
    local c = string.byte(w, 1)
    local k = 1 + ((c < 0x80 and 1) or (c < 0xE0 and 2) or (c < 0xF0 and 3) or 4)
    if k <= #w then
      c = string.byte(w, k)
      local p = string.sub(w, 1, k - 1 + ((c < 0x80 and 1) or (c < 0xE0 and 2) or (c < 0xF0 and 3) or 4))
      if not twos[p] then
        twos[p] = true
        n = n + 1
        if n > WIDE then return true end
      end
    end
  end
  return false
end

-- Refills a list from the lexical index (the source of truth): its best CAP items, plus the
-- sentinel at the next one's score when there are more. A pair list takes no wide item.
local function rebuild(pk, spec)
  redis.call("DEL", pk)
  local p, q = spec[1], spec[2]
  local entries = redis.call("ZRANGE", W, "[" .. p, "[" .. p .. "\255", "BYLEX")
  local keys, seen = {}, {}
  for _, m in ipairs(entries) do
    local k = string.sub(m, string.find(m, "\0", 1, true) + 1)
    if not seen[k] then seen[k] = true; keys[#keys + 1] = k end
  end
  local items = {}
  for i = 1, #keys, 500 do
    local batch = { unpack(keys, i, math.min(i + 499, #keys)) }
    local recs = redis.call("HMGET", D, unpack(batch))
    for j = 1, #batch do
      local r = recs[j]
      if r then
        local s, folded = string.match(r, "^([^%z]*)%z([^%z]*)%z")
        if not q or (string.find(" " .. folded, " " .. q, 1, true) and not is_wide(folded)) then
          items[#items + 1] = { tonumber(s), s, folded .. "\0" .. batch[j], #items + 1 }
        end
      end
    end
  end
  if #items == 0 then return end
  -- Best score first; equal scores keep lexical-index order, so every server (and the
  -- embedded engine's native port) keeps the same items when ties straddle the capacity.
  table.sort(items, function(a, b)
    if a[1] ~= b[1] then return a[1] > b[1] end
    return a[4] < b[4]
  end)
  local args = {}
  for i = 1, math.min(CAP, #items) do
    args[#args + 1] = items[i][2]
    args[#args + 1] = items[i][3]
  end
  if #items > CAP then
    args[#args + 1] = items[CAP + 1][2]
    args[#args + 1] = SENTINEL
  end
  redis.call("ZADD", pk, unpack(args))
end

-- Adds entries to the prefix list of p (a flat array n1, score1, member1, n2, …), evicting the
-- lowest beyond C. A list holding the sentinel always has more than C/2 members (see
-- plist_remove), so a smaller one needs no ZSCORE.
local function plist_add(pk, entries)
  local card = redis.call("ZCARD", pk)
  local wm = nil
  if card > CAP / 2 then wm = redis.call("ZSCORE", pk, SENTINEL) end
  local w = wm and tonumber(wm)
  local args = entries
  if w then
    args = {}
    for j = 1, #entries, 3 do
      if entries[j] > w then
        args[#args + 1] = entries[j + 1]
        args[#args + 1] = entries[j + 2]
      end
    end
  else
    args = {}
    for j = 1, #entries, 3 do
      args[#args + 1] = entries[j + 1]
      args[#args + 1] = entries[j + 2]
    end
  end
  if #args == 0 then return end
  local over = card + redis.call("ZADD", pk, unpack(args)) - CAP - (wm and 1 or 0)
  if over > 0 then
    local low = redis.call("ZRANGE", pk, 0, over, "WITHSCORES")
    local gone, top = {}, nil
    for j = 1, #low, 2 do
      if low[j] ~= SENTINEL and #gone < over then
        gone[#gone + 1] = low[j]
        top = low[j + 1]
      end
    end
    redis.call("ZREM", pk, unpack(gone))
    redis.call("ZADD", pk, "GT", top, SENTINEL)
  end
end

local function plist_remove(pk, spec, member)
  redis.call("ZREM", pk, member)
  local wm = redis.call("ZSCORE", pk, SENTINEL)
  if wm and redis.call("ZCOUNT", pk, "(" .. wm, "+inf") < CAP / 2 then rebuild(pk, spec) end
end

local function lex_members(words, key)
  local t = {}
  for _, w in ipairs(words) do t[#t + 1] = w .. "\0" .. key end
  return t
end

-- Work for brand-new items is batched: one lexical ZADD and one plist_add per prefix for the
-- whole call. Any other operation first applies what is pending (operations stay ordered).
local pending_lex, pending = {}, {}
local function flush()
  if #pending_lex > 0 then
    redis.call("ZADD", W, unpack(pending_lex))
    pending_lex = {}
  end
  for pk, entries in pairs(pending) do plist_add(pk, entries) end
  pending = {}
end

local function add(key, score, folded, title, data)
  local record = score .. "\0" .. folded .. "\0" .. title .. "\0" .. data
  local n = tonumber(score)
  local words = words_of(folded)
  local lists, wide = lists_of(words)
  local member = folded .. "\0" .. key
  if redis.call("HSETNX", D, key, record) == 1 then
    if wide then redis.call("ZADD", X, score, member) end
    if #pending_lex > 6000 then flush() end
    for _, m in ipairs(lex_members(words, key)) do
      pending_lex[#pending_lex + 1] = 0
      pending_lex[#pending_lex + 1] = m
    end
    for pk in pairs(lists) do
      local list = pending[pk]
      if not list then
        list = {}
        pending[pk] = list
      end
      local k = #list
      list[k + 1] = n
      list[k + 2] = score
      list[k + 3] = member
    end
    return 1
  end
  flush()
  local old = redis.call("HGET", D, key)
  redis.call("HSET", D, key, record)
  local old_score, old_folded = string.match(old, "^([^%z]*)%z([^%z]*)%z")
  local old_lists, old_wide = lists_of(words_of(old_folded))
  if old_folded ~= folded then
    local gone = lex_members(words_of(old_folded), key)
    if #gone > 0 then redis.call("ZREM", W, unpack(gone)) end
    local args = {}
    for _, m in ipairs(lex_members(words, key)) do args[#args + 1] = 0; args[#args + 1] = m end
    if #args > 0 then redis.call("ZADD", W, unpack(args)) end
  end
  local changed = old_score ~= score or old_folded ~= folded
  local old_member = old_folded .. "\0" .. key
  for pk, spec in pairs(old_lists) do
    if changed or not lists[pk] then plist_remove(pk, spec, old_member) end
  end
  for pk in pairs(lists) do
    if changed or not old_lists[pk] then plist_add(pk, { n, score, member }) end
  end
  if old_wide and (changed or not wide) then redis.call("ZREM", X, old_member) end
  if wide and (changed or not old_wide) then redis.call("ZADD", X, score, member) end
  return 0
end

local function remove(key)
  flush()
  local old = redis.call("HGET", D, key)
  if not old then return 0 end
  redis.call("HDEL", D, key)
  local folded = string.match(old, "^[^%z]*%z([^%z]*)%z")
  local words = words_of(folded)
  local members = lex_members(words, key)
  if #members > 0 then redis.call("ZREM", W, unpack(members)) end
  local lists, wide = lists_of(words)
  for pk, spec in pairs(lists) do plist_remove(pk, spec, folded .. "\0" .. key) end
  if wide then redis.call("ZREM", X, folded .. "\0" .. key) end
  return 1
end

local out = {}
local i = 4
while i <= #ARGV do
  if ARGV[i] == "A" then
    out[#out + 1] = add(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5])
    i = i + 6
  elseif ARGV[i] == "R" then
    out[#out + 1] = remove(ARGV[i + 1])
    i = i + 2
  else
    return redis.error_reply("ERR autocomplete-write: unknown operation " .. tostring(ARGV[i]))
  end
end
flush()
return out
