-- autocomplete-trie-lib: the UTF-8 and trie helpers that autocomplete-write, autocomplete-search
-- and autocomplete-clear share; the registry (src/lua/registry.ts) prepends it to each, so it
-- is not a script of its own. In all three KEYS[2] is the trie hash W and ARGV[1] the index's
-- hash tag. The trie's layout is described in autocomplete-write-lib.lua.
local TW, TTAG = KEYS[2], ARGV[1]

-- Bytes of the UTF-8 character starting at byte i of s.
local function step(s, i)
  local c = string.byte(s, i)
  return (c < 0x80 and 1) or (c < 0xE0 and 2) or (c < 0xF0 and 3) or 4
end
-- The prefixes of w ending at character boundaries, shortest first (memoized: never modify).
local PFX = {}
local function prefixes(w)
  local out = PFX[w]
  if out then return out end
  out = {}
  local i = 1
  while i <= #w do
    i = i + step(w, i)
    out[#out + 1] = string.sub(w, 1, i - 1)
  end
  PFX[w] = out
  return out
end
-- a < b as bytes (Lua's < follows the server's collation locale).
local function less(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- Trie nodes: prefix → { flag, kids } (flag 0 and no kids: not split; the root always is).
local nodes = {}
-- Loads the nodes of prefixes ps not loaded yet (HMGET W, 1,000 fields at a time).
local function load_nodes(ps)
  local miss, seen = {}, {}
  for _, p in ipairs(ps) do
    if not nodes[p] and not seen[p] then seen[p] = true; miss[#miss + 1] = p end
  end
  for i = 1, #miss, 1000 do
    local r = redis.call("HMGET", TW, unpack(miss, i, math.min(i + 999, #miss)))
    for j = 1, #r do
      local v = r[j] or "0"
      nodes[miss[i + j - 1]] = { flag = tonumber(string.sub(v, 1, 1)), kids = string.sub(v, 2) }
    end
  end
end
local function split(p) return p == "" or nodes[p].flag > 0 end
-- The bucket of a word's entry, its parent node and the character that leads to it (loaded).
local function bucket_of(w)
  local parent = ""
  for _, p in ipairs(prefixes(w)) do
    if not split(p) then return p, parent, string.sub(p, #parent + 1) end
    parent = p
  end
  return w .. "$", w, "$"
end
local function lkey(b) return TTAG .. ":l:" .. b end

-- The buckets holding every entry whose word starts with p; the second value tells a bucket
-- must be read by range (p's own, when p is not split).
local function buckets_under(p)
  load_nodes(prefixes(p))
  if not split(p) then return { (bucket_of(p)) }, true end
  local out, level = {}, { p }
  while #level > 0 do
    local kids = {}
    for _, q in ipairs(level) do
      local k, i = nodes[q].kids, 1
      while i <= #k do
        local n = step(k, i)
        local ch = string.sub(k, i, i + n - 1)
        i = i + n
        if ch == "$" then out[#out + 1] = q .. "$" else kids[#kids + 1] = q .. ch end
      end
    end
    load_nodes(kids)
    level = {}
    for _, c in ipairs(kids) do
      if split(c) then level[#level + 1] = c else out[#out + 1] = c end
    end
  end
  return out, false
end
