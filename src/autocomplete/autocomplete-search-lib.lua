-- autocomplete-search-lib: functions of autocomplete-search.lua, which the registry
-- (src/lua/registry.ts) prepends to it; not a script of its own. Strings are byte strings;
-- characters are UTF-8 sequences counted by their lead byte.

local function charlen(s)
  local n, k = 0, 1
  while k <= #s do
    local c = string.byte(s, k)
    k = k + ((c < 0x80 and 1) or (c < 0xE0 and 2) or (c < 0xF0 and 3) or 4)
    n = n + 1
  end
  return n
end

local function charprefix(s, n)
  local k, c = 1, 0
  while k <= #s and c < n do
    local b = string.byte(s, k)
    k = k + ((b < 0x80 and 1) or (b < 0xE0 and 2) or (b < 0xF0 and 3) or 4)
    c = c + 1
  end
  return string.sub(s, 1, k - 1), k > #s
end

-- Does the folded text e[start .. stop-1] (words separated by one space, then a NUL) have, for
-- every query word, a word starting with it? → the number of query words equal to a whole word,
-- and the summed 1-based byte offsets of the words they match: the first word equal to the
-- query word, else the first word it prefixes; nil when some query word prefixes no word.
-- Allocates nothing.
local function match_in(e, start, stop, words, spaced)
  local exact, pos = 0, 0
  for k = 1, #words do
    local q = words[k]
    local i = start
    if string.find(e, q, start, true) ~= start then
      local at = string.find(e, spaced[k], start, true)
      if not at or at >= stop then return nil end
      i = at + 1
    end
    local after = string.byte(e, i + #q)
    if after == 32 or after == 0 then
      exact = exact + 1
    else
      -- a later word may be the query word itself
      local at = string.find(e, spaced[k], i, true)
      while at and at < stop do
        after = string.byte(e, at + 1 + #q)
        if after == 32 or after == 0 then
          exact = exact + 1
          i = at + 1
          break
        end
        at = string.find(e, spaced[k], at + 1, true)
      end
    end
    pos = pos + (i - start + 1)
  end
  return exact, pos
end

local function better(a, b)
  if a[1] ~= b[1] then return a[1] > b[1] end
  if a[2] ~= b[2] then return a[2] > b[2] end
  if a[3] ~= b[3] then return a[3] < b[3] end
  return a[4] < b[4]
end

-- The lexical trie (nodes, load_nodes, buckets_under… from autocomplete-trie-lib.lua): W holds,
-- for the root "" and every split prefix, its flag then the characters that follow it; entries
-- "word\0score\0folded\0key" live in buckets <tag>:l:<b>.
-- The flag of prefix p: 0 unsplit (at most K entries), 1 split, 2 pair-common (nodes loaded).
local function flag_of(p) return nodes[p].flag end
-- The number of indexed words starting with p.
local function count_with(p)
  load_nodes(prefixes(p))
  if flag_of(p) > 0 then return tonumber(redis.call("HGET", TTAG .. ":n", p)) or 0 end
  local b = buckets_under(p)[1]
  return redis.call("ZLEXCOUNT", lkey(b), "[" .. p, "[" .. p .. "\255")
end
-- The characters that follow `head` in indexed words, in byte order, at most 64.
local function next_chars(head)
  load_nodes(prefixes(head))
  local out, seen = {}, {}
  local function add(ch)
    if not seen[ch] then seen[ch] = true; out[#out + 1] = ch end
  end
  if flag_of(head) > 0 then
    local k, i = nodes[head].kids, 1
    while i <= #k do
      local n = step(k, i)
      local ch = string.sub(k, i, i + n - 1)
      if ch ~= "$" then add(ch) end
      i = i + n
    end
  else
    local b = buckets_under(head)[1]
    for _, e in ipairs(redis.call("ZRANGE", lkey(b), "[" .. head, "[" .. head .. "\255", "BYLEX")) do
      if string.byte(e, #head + 1) ~= 0 then add(string.sub(e, #head + 1, #head + step(e, #head + 1))) end
    end
  end
  table.sort(out, less)
  while #out > 64 do table.remove(out) end
  return out
end

-- The variants of `last` (a folded query word) at edit distance 1 worth searching: deletion,
-- transposition, substitution, insertion; substituted/inserted characters are those that occur
-- there in indexed words (next_chars, at most 64), and the first character is only ever
-- deleted or transposed, never replaced. Variants extending `last` or a shorter kept variant
-- are dropped (they could match nothing more). lexcount(prefix) counts the indexed words
-- having that prefix.
local function fuzzy_variants(last, lexcount)
  local chars = {}
  for ch in string.gmatch(last, "[%z\1-\127\194-\244][\128-\191]*") do chars[#chars + 1] = ch end
  local function join(a, b, extra, c, d)
    return table.concat(chars, "", a, b) .. extra .. table.concat(chars, "", c, d)
  end
  local variants, vlist = {}, {}
  local function variant(v)
    if v ~= "" and not variants[v] and string.sub(v, 1, #last) ~= last then
      variants[v] = true
      vlist[#vlist + 1] = v
    end
  end
  local n = #chars
  -- Every variant editing position k starts with the k-1 first characters: once no word
  -- does, later positions cannot match either. Substitutions and insertions (which need the
  -- alphabet found at that position) start at the second character.
  for k = 1, n do
    local head = table.concat(chars, "", 1, k - 1)
    if k > 1 and lexcount(head) == 0 then break end
    variant(join(1, k - 1, "", k + 1, n))
    if k < n then variant(join(1, k - 1, chars[k + 1] .. chars[k], k + 2, n)) end
    if k > 1 then
      for _, ch in ipairs(next_chars(head)) do
        if ch ~= chars[k] then variant(head .. ch .. join(k + 1, n, "", 1, 0)) end
        variant(head .. ch .. join(k, n, "", 1, 0))
      end
    end
  end
  -- A variant that extends a shorter variant matches nothing more: keep the shortest. Equal
  -- lengths in byte order, so the order (which variant finds an item first) is the same on
  -- every server and in the native port.
  table.sort(vlist, function(a, b)
    if #a ~= #b then return #a < #b end
    return less(a, b)
  end)
  local kept = {}
  for _, v in ipairs(vlist) do
    local covered = false
    for _, u in ipairs(kept) do
      if string.sub(v, 1, #u) == u then covered = true break end
    end
    if not covered then kept[#kept + 1] = v end
  end
  return kept
end

-- The page of `results` (hits { eff, exact, pos, member "folded\0key", list read from, member as
-- stored there }): flat key, record pairs of results offset+1..need (one HMGET on D). A member
-- whose record is gone, or holds other words than the member, is left out, added to `dead` and
-- removed from the list it was read from (redis.pcall: best effort, a search never fails on it).
-- → pairs, any left out.
local function page_of(D, results, offset, need, dead)
  local keys, hits = {}, {}
  for k = offset + 1, math.min(need, #results) do
    local mem = results[k][4]
    keys[#keys + 1] = string.sub(mem, string.find(mem, "\0", 1, true) + 1)
    hits[#keys] = results[k]
  end
  if #keys == 0 then return {}, false end
  local recs = redis.call("HMGET", D, unpack(keys))
  local reply, gone = {}, false
  for k = 1, #keys do
    local r, h = recs[k], hits[k]
    local mem = h[4]
    local a = r and string.find(r, "\0", 1, true)
    local b = a and string.find(r, "\0", a + 1, true)
    if b and string.sub(r, a + 1, b - 1) == string.sub(mem, 1, #mem - #keys[k] - 1) then
      reply[#reply + 1] = keys[k]
      reply[#reply + 1] = r
    else
      dead[mem] = true
      gone = true
      if h[5] then redis.pcall("ZREM", h[5], h[6]) end
    end
  end
  return reply, gone
end
