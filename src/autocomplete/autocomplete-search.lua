-- autocomplete-search: the best matches of a phrase in one autocomplete index. Read only, but
-- for the answer cache (below) and one repair: a list member whose item is gone (or whose words
-- changed) is skipped and removed from the list it was read from (redis.pcall: a search never
-- fails on it).
-- KEYS[1]  <tag>:d  hash  item key ("type\0id") → record "score\0folded words\0title\0data"
-- KEYS[2]  <tag>:w  hash  the lexical trie (see autocomplete-write.lua)
-- KEYS[3]  <tag>:b  zset  stored boosts: member "i\0<id>" or "t\0<type>", score = factor
-- ARGV[1]  the index's hash tag (flags, lists and wide items under it: see autocomplete-write)
-- ARGV[2]  need = offset + limit;  ARGV[3] offset;  ARGV[4] fuzzy ("1"/"0")
-- ARGV[5]  n, then n folded query words (each must prefix some word of the title)
-- then     t, then t types to keep (t = 0: all types)
-- then     b, then b pairs (boost member, factor) given with the query
-- Returns  flat array key1, record1, key2, record2, … best first, `offset` results skipped; or,
--          for a cacheable search, the cached answer string (see below).
-- Ranking: score × boosts (descending), then the number of query words equal to a whole title
-- word (descending), then the summed byte offsets of the title words the query words match
-- (the first equal word, else the first word prefixed; ascending: earlier words first), then
-- folded title, then key. Fuzzy hits (one edit in the last word) come after every exact-prefix
-- hit, ordered by score × boosts.
-- Candidates, bounded by the trie (see autocomplete-write): a query word that is a prefix of
-- another one adds nothing (an item matching the longer one matches it) and is only ranked.
-- One word left: its list holds the answer, read in order (the first `need` members when
-- nothing reorders them); a word without a list has at most K entries (one bucket, evaluated
-- whole). Several words: an unsplit one (<= K entries) is evaluated whole, and so is one that
-- is not pair-common (<= T entries) when it has at most 64 entries per list that could settle
-- the answer; else the pair list of the words' longest pair-common prefixes is read with a
-- filter (it is the answer's when those are the words), next to the wide items; else a word
-- that is not pair-common is read through its list, then whole. Only a list that cannot settle the answer (boosts, a
-- type filter, ties across its boundary, a deep page, three words all common whose every pair
-- has more than K items) falls back to every entry of a word. Entries carry score and folded
-- words; records are read once, for the results. charlen, charprefix, match_in, better,
-- fuzzy_variants, page_of and the trie helpers come from autocomplete-search-lib.lua, which
-- the registry (src/lua/registry.ts) prepends.
local D, W, B = KEYS[1], KEYS[2], KEYS[3]
local tag, need, offset = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local fuzzy = ARGV[4] == "1"
local X = tag .. ":x"

local i = 5
local qs = {}
for j = 1, tonumber(ARGV[i]) do qs[j] = ARGV[i + j] end
i = i + #qs + 1
local types = nil
local nt = tonumber(ARGV[i])
if nt > 0 then
  types = {}
  for j = 1, nt do types[ARGV[i + j]] = true end
end
i = i + nt + 1
local qboost, has_qboost = {}, false
local max_f, min_f = 1, 1
for j = 1, tonumber(ARGV[i]) do
  qboost[ARGV[i + 2 * j - 1]] = tonumber(ARGV[i + 2 * j])
  has_qboost = true
end
if has_qboost then
  local qmax, qmin = 1, 1
  for _, f in pairs(qboost) do
    if f > qmax then qmax = f end
    if f < qmin then qmin = f end
  end
  max_f, min_f = qmax * qmax, qmin * qmin
end
local has_stored = redis.call("EXISTS", B) == 1
if has_stored then
  local lo = redis.call("ZRANGE", B, 0, 0, "WITHSCORES")
  local hi = redis.call("ZRANGE", B, -1, -1, "WITHSCORES")
  local smin, smax = math.min(1, tonumber(lo[2])), math.max(1, tonumber(hi[2]))
  max_f, min_f = max_f * smax * smax, min_f * smin * smin
end
local function bound(raw)
  if raw >= 0 then return raw * max_f end
  return raw * min_f
end
-- Lists are ordered by score: the answer's order unless boosts apply.
local unboosted = not has_qboost and not has_stored

-- The answer cache: a plain search (no types, no boosts, offset + limit <= 10) is answered from
-- <tag>:a:<generation>:<e|f><words>, the best 10 results as one string "~<len>:<key><len>:<record>…"
-- (the caller slices its page), stored for 10 minutes by the search that computed it. Every write
-- bumps the generation <tag>:g, so a cached answer never outlives a change of the index. Lengths
-- count UTF-16 code units, as the caller's strings do, so it slices the reply without measuring
-- bytes (an answer without the "~" counts bytes: written by an older version).

-- The UTF-16 length of UTF-8 text: one unit per character, two for a 4-byte one.
local function utf16_len(s)
  if not string.find(s, "[\128-\255]") then return #s end
  local _, continuation = string.gsub(s, "[\128-\191]", "")
  local _, astral = string.gsub(s, "[\240-\247]", "")
  return #s - continuation + astral
end
-- The hit path runs first (autocomplete-search-head.lua): here the answer was not cached, and
-- `ac_key` (set there) is where this search stores it, unless stored boosts apply.
local cached = nil
if unboosted and ac_key then
  cached = ac_key
  need, offset = 10, 0
end

-- Evaluates candidates (members "folded\0type\0id" with their scores `raws`, read from list
-- `src` where they are stored as `stored`) against the query words and appends
-- { eff, exact, pos, member, src, stored } to `out`, leaving out members in `skip`.
local function consider(members, raws, words, spaced, out, skip, src, stored)
  local hits, hraw = {}, {}
  for j, e in ipairs(members) do
    local stop = string.find(e, "\0", 1, true)
    local exact, pos = match_in(e, 1, stop, words, spaced)
    if pos and types then
      local b = string.find(e, "\0", stop + 1, true)
      if not types[string.sub(e, stop + 1, b - 1)] then pos = nil end
    end
    if pos and not skip[e] then
      hits[#hits + 1] = { 0, exact, pos, e, src, stored and stored[j] }
      hraw[#hits] = raws[j]
    end
  end
  if #hits == 0 then return end
  local factors = nil
  if has_stored then
    local args = {}
    for j, h in ipairs(hits) do
      local mem = h[4]
      local a = string.find(mem, "\0", 1, true)
      local b = string.find(mem, "\0", a + 1, true)
      args[2 * j - 1] = "i\0" .. string.sub(mem, b + 1)
      args[2 * j] = "t\0" .. string.sub(mem, a + 1, b - 1)
    end
    factors = redis.call("ZMSCORE", B, unpack(args))
  end
  for j, h in ipairs(hits) do
    local eff = hraw[j]
    if has_qboost then
      local mem = h[4]
      local a = string.find(mem, "\0", 1, true)
      local b = string.find(mem, "\0", a + 1, true)
      eff = eff * (qboost["i\0" .. string.sub(mem, b + 1)] or 1) * (qboost["t\0" .. string.sub(mem, a + 1, b - 1)] or 1)
    end
    if factors then
      eff = eff * (tonumber(factors[2 * j - 1]) or 1) * (tonumber(factors[2 * j]) or 1)
    end
    h[1] = eff
    out[#out + 1] = h
  end
end

local counts = {}
local function lexcount(q)
  local c = counts[q]
  if not c then
    c = count_with(q)
    counts[q] = c
  end
  return c
end

-- The first `need` hits of a list whose order is the answer's (keyed by exactly the query
-- words, nothing filtered or boosted): rank bytes give exact and pos, and the score when
-- `scored` (else 0: the hits are in order already). → hits (nil when the list overflowed and
-- holds fewer), and whether the list exists.
local function direct(pk, scored)
  local m = scored and redis.call("ZRANGE", pk, 0, need, "WITHSCORES") or redis.call("ZRANGE", pk, 0, need)
  local out, cut, at = {}, false, scored and 2 or 1
  for j = 1, #m, at do
    local mem = m[j]
    local b1, b2, b3 = string.byte(mem, 1, 3)
    if b1 == 255 then
      cut = true
    elseif #out < need then
      out[#out + 1] = { scored and -tonumber(m[j + 1]) or 0, 2 - b1, b2 * 256 + b3, string.sub(mem, 4), pk, mem }
    end
  end
  if cut and #out < need then return nil, true end
  return out, #m > 0
end

-- Reads a list in its order, matching every query word: the exact answer (sorted best first),
-- or nil when the list cannot settle it; and whether the list exists. `same`: the list's
-- order is the answer's, so the first `need` matches settle it.
local function stream(pk, words, spaced, skip, same, scored)
  if same and not types and next(skip) == nil then return direct(pk, scored) end
  -- a filtered read usually needs the whole list: 64 covers a capped list (K + 1 members at
  -- the default K = 32) in one ZRANGE instead of three growing pages
  local out, off, page, cut = {}, 0, math.max(need + 1, 64), nil
  while true do
    local m = redis.call("ZRANGE", pk, off, off + page - 1, "WITHSCORES")
    if #m == 0 and off == 0 then return out, false end
    local members, raws, stored = {}, {}, {}
    for j = 1, #m, 2 do
      local mem = m[j]
      if string.byte(mem, 1) == 255 then
        cut = -tonumber(string.sub(mem, 2, string.find(mem, "\0", 2, true) - 1))
      else
        stored[#stored + 1] = mem
        members[#members + 1] = string.sub(mem, 4)
        raws[#raws + 1] = -tonumber(m[j + 1])
      end
    end
    consider(members, raws, words, spaced, out, skip, pk, stored)
    off = off + #m / 2
    local done = #m < 2 * page
    if #out >= need then
      table.sort(out, better)
      -- the best raw score an unread item can have: the last one read, else the boundary's
      local top = (not done and raws[#raws]) or cut
      if same or not top or bound(top) < out[need][1] then return out, true end
    end
    if done then
      if cut then return nil, true end
      table.sort(out, better)
      return out, true
    end
    page = math.min(page * 2, 1000)
  end
end

-- Evaluates every item having a word that starts with q, from its entries
-- ("word\0score\0folded\0key"): this is the path that reads hundreds, so an entry is matched
-- where it lies and only a hit is cut into parts. An item with two words starting with q has
-- two entries: it is kept once.
local function range(q, words, spaced, skip)
  local bs, partial = buckets_under(q)
  -- every entry has a word starting with q: the filter only asks whether the other words
  -- start some word (consider, on the hits only, tests them all and ranks)
  local others, ospaced = {}, {}
  for k, w in ipairs(words) do
    if string.sub(q, 1, #w) ~= w then
      others[#others + 1] = w
      ospaced[#others] = spaced[k]
    end
  end
  local seen, members, raws = {}, {}, {}
  local function take(e)
    local a = string.find(e, "\0", 1, true)
    local f = string.find(e, "\0", a + 1, true)
    local stop = string.find(e, "\0", f + 1, true)
    local ok = true
    for k = 1, #others do
      local w = others[k]
      if string.find(e, w, f + 1, true) ~= f + 1 then
        local at = string.find(e, ospaced[k], f + 1, true)
        if not at or at > stop then ok = false break end
      end
    end
    if ok then
      local m = string.sub(e, f + 1)
      if not seen[m] and not skip[m] then
        seen[m] = true
        members[#members + 1] = m
        raws[#raws + 1] = tonumber(string.sub(e, a + 1, f - 1))
      end
    end
  end
  for _, b in ipairs(bs) do
    if partial then
      for _, e in ipairs(redis.call("ZRANGE", lkey(b), "[" .. q, "[" .. q .. "\255", "BYLEX")) do take(e) end
    else
      for _, e in ipairs(redis.call("ZRANGE", lkey(b), 0, -1)) do take(e) end
    end
  end
  -- Unboosted and unfiltered, a hit's rank starts with its raw score: only hits scoring at
  -- least the need-th best raw score can be in the answer (ties included), so only those are
  -- ranked (a common word can leave hundreds of hits).
  if unboosted and not types and #members > need then
    local sorted = {}
    for j = 1, #raws do sorted[j] = -raws[j] end
    table.sort(sorted)
    local floor = -sorted[need]
    local m2, r2 = {}, {}
    for j = 1, #members do
      if raws[j] >= floor then
        m2[#m2 + 1] = members[j]
        r2[#r2 + 1] = raws[j]
      end
    end
    members, raws = m2, r2
  end
  local out = {}
  for j = 1, #members, 500 do
    local last = math.min(j + 499, #members)
    consider({ unpack(members, j, last) }, { unpack(raws, j, last) }, words, spaced, out, skip)
  end
  table.sort(out, better)
  return out
end

-- The pair list of two words: "<a> <b>", a < b as bytes (Lua's < follows the server's locale).
local function pair_key(a, b)
  for k = 1, math.min(#a, #b) + 1 do
    local x, y = string.byte(a, k), string.byte(b, k)
    if x ~= y then
      if (x or -1) > (y or -1) then a, b = b, a end
      break
    end
  end
  return tag .. ":q:" .. a .. " " .. b
end

-- The exact top `need` items matching every word of `words` (sorted best first; may be longer).
local function collect(words, skip)
  local cands, spaced = {}, {}
  for k, q in ipairs(words) do
    spaced[k] = " " .. q
    local inner = false
    for j, r in ipairs(words) do
      if (#r > #q or (#r == #q and j < k)) and string.sub(r, 1, #q) == q then inner = true end
    end
    if not inner then cands[#cands + 1] = q end
  end
  local same = unboosted and #cands == #words
  if #cands == 1 then
    local q = cands[1]
    local out, exists = stream(tag .. ":p:" .. q, words, spaced, skip, same)
    if out and exists then return out end
    return range(q, words, spaced, skip)
  end
  -- the trie nodes of every prefix of the candidate words
  local chains = {}
  for k, q in ipairs(cands) do
    chains[k] = prefixes(q)
    load_nodes(chains[k])
  end
  -- the candidate word with the fewest entries by its flag (0: <= K, 1: <= T), then count
  local pick = nil
  for _, q in ipairs(cands) do
    local f, g = flag_of(q), pick and flag_of(pick)
    if not pick or f < g or (f == g and f < 2 and lexcount(q) < lexcount(pick)) then pick = q end
  end
  if flag_of(pick) == 0 then return range(pick, words, spaced, skip) end
  -- A pick that is not pair-common has at most T entries: evaluated whole, they cost less than
  -- reading the lists that could settle the answer (a list member, read with its score, costs
  -- about twice an entry, and a list holds K + 1), so the lists are tried only for a pick with
  -- more than 64 entries per list to try (one per pair of words, and the pick's own).
  if flag_of(pick) == 1 and lexcount(pick) <= 32 * (#cands * (#cands - 1) + 2) then
    return range(pick, words, spaced, skip)
  end
  -- The pair lists of the words' longest pair-common prefixes (the words themselves when
  -- they are: then the list is the answer's), next to the wide items. A missing one is empty.
  local nx = redis.call("ZCARD", X)
  if nx <= 256 then
    local wide = {}
    if nx > 0 then
      local m = redis.call("ZRANGE", X, 0, -1, "WITHSCORES")
      local members, raws = {}, {}
      for j = 1, #m, 2 do
        members[#members + 1] = m[j]
        raws[#raws + 1] = tonumber(m[j + 1])
      end
      consider(members, raws, words, spaced, wide, skip, X, members)
    end
    local top = {}
    for k, ps in ipairs(chains) do
      for _, p in ipairs(ps) do if flag_of(p) == 2 then top[k] = p end end
    end
    local lists, seen = {}, {}
    for x = 1, #cands do
      for y = x + 1, #cands do
        local a, b = top[x], top[y]
        if a and b and string.sub(b, 1, #a) ~= a and string.sub(a, 1, #b) ~= b then
          local pk = pair_key(a, b)
          if not seen[pk] then
            seen[pk] = true
            lists[#lists + 1] = { pk, 0, a == cands[x] and b == cands[y], #lists }
          end
        end
      end
    end
    if #lists > 1 then
      for _, l in ipairs(lists) do l[2] = redis.call("ZCARD", l[1]) end
      table.sort(lists, function(x, y)
        if x[2] ~= y[2] then return x[2] < y[2] end
        return x[4] < y[4]
      end)
    end
    for _, l in ipairs(lists) do
      local out = stream(l[1], words, spaced, skip, same and l[3] and #cands == 2, #wide > 0)
      if out then
        if #wide == 0 then return out end
        for _, h in ipairs(wide) do out[#out + 1] = h end
        table.sort(out, better)
        return out
      end
    end
  end
  if flag_of(pick) == 1 then
    return stream(tag .. ":p:" .. pick, words, spaced, skip, false) or range(pick, words, spaced, skip)
  end
  local rarest = cands[1]
  for _, q in ipairs(cands) do if lexcount(q) < lexcount(rarest) then rarest = q end end
  return range(rarest, words, spaced, skip)
end

-- Every hit, best first (at least the best `need`), leaving out the members in `dead`.
-- Fuzzy: hits for variants of the last word at edit distance 1 (see fuzzy_variants), after
-- every exact-prefix hit.
local kept = nil
local function ranked(dead)
  local results = {}
  if #qs > 0 then results = collect(qs, dead) end
  local last = qs[#qs]
  if fuzzy and last and #results < need and charlen(last) >= 3 then
    kept = kept or fuzzy_variants(last, lexcount)
    local skip = {}
    for m in pairs(dead) do skip[m] = true end
    for _, r in ipairs(results) do skip[r[4]] = true end
    local extra = {}
    for _, v in ipairs(kept) do
      local words = {}
      for k = 1, #qs - 1 do words[k] = qs[k] end
      words[#qs] = v
      if lexcount(v) > 0 then
        for _, r in ipairs(collect(words, skip)) do
          skip[r[4]] = true
          extra[#extra + 1] = r
        end
      end
    end
    table.sort(extra, better)
    for _, r in ipairs(extra) do results[#results + 1] = r end
  end
  return results
end

-- The page. A member whose record is gone, or holds other words (an inconsistent list, never
-- left by this version), is dropped and the page ranked again without it (at most 3 rounds).
local dead = {}
for round = 1, 3 do
  local reply, gone = page_of(D, ranked(dead), offset, need, dead)
  if not gone or round == 3 then
    if not cached then return reply end
    for j = 1, #reply do reply[j] = utf16_len(reply[j]) .. ":" .. reply[j] end
    local answer = "~" .. table.concat(reply)
    redis.call("SET", cached, answer, "EX", 600)
    return answer
  end
end
