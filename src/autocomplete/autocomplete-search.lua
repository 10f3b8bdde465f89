-- autocomplete-search: the best matches of a phrase in one autocomplete index. Read only, but
-- for one repair: a list member whose item is gone (or whose words changed) is skipped and
-- removed from the list it was read from (redis.pcall: a search never fails on it).
-- KEYS[1]  <tag>:d  hash  item key ("type\0id") → record "score\0folded words\0title\0data"
-- KEYS[2]  <tag>:w  zset  lexical index "word\0key", score 0
-- KEYS[3]  <tag>:b  zset  stored boosts: member "i\0<id>" or "t\0<type>", score = factor
-- ARGV[1]  the index's hash tag (prefix lists at "<tag>:p:<prefix>", see autocomplete-write)
-- ARGV[2]  L (prefix lists cover prefixes of 1..L characters)
-- ARGV[3]  need = offset + limit;  ARGV[4] offset;  ARGV[5] fuzzy ("1"/"0")
-- ARGV[6]  n, then n folded query words (each must prefix some word of the title)
-- then     t, then t types to keep (t = 0: all types)
-- then     b, then b pairs (boost member, factor) given with the query
-- Returns  flat array key1, record1, key2, record2, … best first, `offset` results skipped.
-- Ranking: score × boosts (descending), then the number of query words equal to a whole title
-- word (descending), then the summed byte offsets of the title words the query words match
-- (the first equal word, else the first word prefixed; ascending: earlier words first), then
-- folded title, then key. Fuzzy hits (one edit in the last word) come after every exact-prefix
-- hit, ordered by score × boosts.
-- Candidates: the rarest query word (by ZLEXCOUNT) drives. With several words the pair list
-- of two of them is read first (see autocomplete-write). Else a rare driver (<= 128 entries)
-- is evaluated whole, and a common one's prefix list (its first 1..L characters) is read in
-- score order (members "folded\0key" carry everything needed to match and rank), stopping
-- as soon as no unread item can beat the current last result. Only when a list runs out
-- (it holds the best C items, plus a watermark) is the whole ZRANGE BYLEX range of the word
-- evaluated against the item records. Records are read once, for the results.
-- charlen, charprefix, match_in, better, fuzzy_variants and page_of come from autocomplete-search-lib.lua,
-- which the registry (src/lua/registry.ts) prepends.
local D, W, B = KEYS[1], KEYS[2], KEYS[3]
local tag, L, need, offset = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local fuzzy = ARGV[5] == "1"
local SENTINEL = "\255"

local i = 6
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
  local f = tonumber(ARGV[i + 2 * j])
  qboost[ARGV[i + 2 * j - 1]] = f
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
local has_stored = false
local lo = redis.call("ZRANGE", B, 0, 0, "WITHSCORES")
if #lo > 0 then
  has_stored = true
  local hi = redis.call("ZRANGE", B, -1, -1, "WITHSCORES")
  local smin, smax = math.min(1, tonumber(lo[2])), math.max(1, tonumber(hi[2]))
  max_f, min_f = max_f * smax * smax, min_f * smin * smin
end
local function bound(raw)
  if raw >= 0 then return raw * max_f end
  return raw * min_f
end


-- Evaluates candidates (members "folded\0type\0id" with their scores `raws`, read from the
-- list `src`, nil for item records) against the query words and appends
-- { eff, exact, pos, member, src } to `out`, leaving out members in `skip` or `skip2`.
local function consider(entries, raws, words, spaced, out, skip, src, skip2)
  local hits, hraw = {}, {}
  for j, e in ipairs(entries) do
    local start = 1
    local stop = string.find(e, "\0", start, true)
    local exact, pos = match_in(e, start, stop, words, spaced)
    if pos and types then
      local b = string.find(e, "\0", stop + 1, true)
      if not types[string.sub(e, stop + 1, b - 1)] then pos = nil end
    end
    if pos and not (skip and skip[e]) and not (skip2 and skip2[e]) then
      hits[#hits + 1] = { 0, exact, pos, e, src }
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
    c = redis.call("ZLEXCOUNT", W, "[" .. q, "[" .. q .. "\255")
    counts[q] = c
  end
  return c
end

-- The exact top `need` items matching every word of `words` (sorted best first; may be longer).
local function collect(words, skip)
  local driver = words[1]
  if #words > 1 then
    local best = nil
    for _, q in ipairs(words) do
      local c = lexcount(q)
      if c == 0 then return {} end
      if not best or c < best then best, driver = c, q end
    end
  end
  local spaced = {}
  for k, q in ipairs(words) do spaced[k] = " " .. q end
  -- Reads a prefix or pair list in score order: the exact answer, or nil when the list ran
  -- out (watermark reached) before the answer was certain. Members in `skip2` do not count.
  local function stream(pk, missing_is_empty, skip2)
    local out = {}
    local page = math.min(need + 1, 1000)
    local off = 0
    while true do
      local m = redis.call("ZRANGE", pk, "+inf", "-inf", "BYSCORE", "REV", "LIMIT", off, page, "WITHSCORES")
      if #m == 0 and off == 0 then
        if missing_is_empty then return out end
        return nil
      end
      local members, raws, watermark = {}, {}, nil
      for j = 1, #m, 2 do
        if m[j] == SENTINEL then
          watermark = tonumber(m[j + 1])
          break
        end
        members[#members + 1] = m[j]
        raws[#raws + 1] = tonumber(m[j + 1])
      end
      consider(members, raws, words, spaced, out, skip, pk, skip2)
      off = off + #members
      if watermark then
        -- every item scoring above the watermark has been seen
        if #out >= need then
          table.sort(out, better)
          if bound(watermark) < out[need][1] then return out end
        end
        return nil
      end
      if #m < 2 * page then
        table.sort(out, better)
        return out
      end
      if #out >= need then
        table.sort(out, better)
        if bound(raws[#raws]) < out[need][1] then return out end
      end
      page = math.min(page * 2, 1000)
    end
  end
  local p, whole = charprefix(driver, L)
  -- Several words: the pair list of the two rarest words with different 2-character
  -- prefixes holds every item having both (a missing list means there is none). Read in
  -- score order it usually settles the answer within a page, even when a word is rare.
  if #words > 1 then
    local cands = {}
    for _, q in ipairs(words) do
      local two = charprefix(q, 2)
      if charlen(two) == 2 then cands[#cands + 1] = { lexcount(q), two } end
    end
    table.sort(cands, function(x, y)
      if x[1] ~= y[1] then return x[1] < y[1] end
      return x[2] < y[2]
    end)
    local pair = nil
    for x = 1, #cands do
      for y = x + 1, #cands do
        if not pair and cands[x][2] ~= cands[y][2] then
          local a, b = cands[x][2], cands[y][2]
          if a > b then a, b = b, a end
          pair = tag .. ":q:" .. a .. " " .. b
        end
      end
    end
    -- Items with too many different words are in no pair list but in the small "wide"
    -- zset, evaluated whole next to the pair list (skipped when it is not small). A wide
    -- item met in the pair list (put there by an older version's rebuild) is left to the set.
    local X = tag .. ":x"
    local wide = pair and redis.call("ZCARD", X) or 0
    if pair and wide <= 256 then
      local members, raws, in_x = nil, nil, nil
      if wide > 0 then
        local m = redis.call("ZRANGE", X, 0, -1, "WITHSCORES")
        members, raws, in_x = {}, {}, {}
        for j = 1, #m, 2 do
          members[#members + 1] = m[j]
          raws[#raws + 1] = tonumber(m[j + 1])
          in_x[m[j]] = true
        end
      end
      local out = stream(pair, true, in_x)
      if out then
        if members then
          consider(members, raws, words, spaced, out, skip, X)
          table.sort(out, better)
        end
        return out
      end
    end
  end
  -- A driver word with few entries is cheaper to evaluate directly than its prefix list.
  if not ((#words > 1 or not whole) and lexcount(driver) <= 128) then
    local out = stream(tag .. ":p:" .. p, false, nil)
    if out then return out end
  end
  -- The list ran out before the answer was certain: evaluate the whole lexical range.
  local out = {}
  local entries = redis.call("ZRANGE", W, "[" .. driver, "[" .. driver .. "\255", "BYLEX")
  local keys, seen = {}, {}
  for _, e in ipairs(entries) do
    local k = string.sub(e, string.find(e, "\0", 1, true) + 1)
    if not seen[k] then
      seen[k] = true
      keys[#keys + 1] = k
    end
  end
  for i = 1, #keys, 500 do
    local batch = { unpack(keys, i, math.min(i + 499, #keys)) }
    local recs = redis.call("HMGET", D, unpack(batch))
    local members, raws = {}, {}
    for j = 1, #batch do
      local r = recs[j]
      if r then
        -- Most records fail some word: test the folded words in place (match_in allocates
        -- nothing) and build a member only for those that pass.
        local a = string.find(r, "\0", 1, true)
        local b = string.find(r, "\0", a + 1, true)
        if match_in(r, a + 1, b, words, spaced) then
          members[#members + 1] = string.sub(r, a + 1, b - 1) .. "\0" .. batch[j]
          raws[#raws + 1] = tonumber(string.sub(r, 1, a - 1))
        end
      end
    end
    consider(members, raws, words, spaced, out, skip)
  end
  table.sort(out, better)
  return out
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
    kept = kept or fuzzy_variants(last, W, lexcount)
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
  if not gone or round == 3 then return reply end
end
