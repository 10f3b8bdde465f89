-- autocomplete-write: adds (upserts) and removes items of one autocomplete index, atomically.
-- The key layout, arguments, trie and lists are described in autocomplete-write-lib.lua, which
-- the registry prepends to this script (its functions and locals are in scope here).

-- Adds items to their lists (with `only`, to their pair lists pairing it), one add per list.
local function add_to_lists(its, only)
  local lists, specs = {}, {}
  for _, it in ipairs(its) do
    for pk, spec in pairs(lists_of(it, only)) do
      if not lists[pk] then lists[pk] = {}; specs[pk] = spec end
      table.insert(lists[pk], it)
    end
  end
  for pk, l in pairs(lists) do plist_add(specs[pk], l) end
end

-- A split prefix with more than T entries becomes pair-common: it fills every pair list it forms.
local function promote(p, count)
  if count <= T or nodes[p].flag ~= 1 then return end
  nodes[p].flag = 2
  save(p)
  local its = items_with(p)
  load_items(its)
  add_to_lists(its, p)
end

-- Splits a bucket past K entries: p gets a list, its entries move to buckets one character
-- longer (or "<p>$"), which split in turn when still too big.
local function split_bucket(p)
  local es = redis.call("ZRANGE", lkey(p), 0, -1)
  if #es <= K then return end
  nodes[p] = { flag = 1, kids = "" }
  local moved = {}
  for _, m in ipairs(es) do
    local z = string.find(m, "\0", 1, true)
    local ch = z - 1 == #p and "$" or string.sub(m, #p + 1, #p + step(m, #p + 1))
    if not moved[ch] then moved[ch] = {}; nodes[p].kids = nodes[p].kids .. ch end
    table.insert(moved[ch], 0)
    table.insert(moved[ch], m)
  end
  redis.call("DEL", lkey(p))
  for ch, args in pairs(moved) do
    local b = ch == "$" and p .. "$" or p .. ch
    for i = 1, #args, 2000 do redis.call("ZADD", lkey(b), unpack(args, i, math.min(i + 1999, #args))) end
    if ch ~= "$" then nodes[b] = nodes[b] or { flag = 0, kids = "" } end
  end
  save(p)
  redis.call("HSET", N, p, #es)
  flush_nodes()
  rebuild(spec_of(p))
  for ch, args in pairs(moved) do
    if ch ~= "$" and #args / 2 > K then split_bucket(p .. ch) end
  end
  promote(p, #es)
end

-- Moves entries in (sign 1) or out (-1) of the trie: one ZADD/ZREM per bucket, counts per
-- split prefix; new entries may split buckets and make prefixes pair-common.
local function index(its, sign)
  load_items(its)
  local per, counts = {}, {}
  for _, it in ipairs(its) do
    for _, w in ipairs(it.words) do
      local b, parent, ch = bucket_of(w)
      if sign > 0 and not string.find(nodes[parent].kids, ch, 1, true) then
        nodes[parent].kids = nodes[parent].kids .. ch
        save(parent)
      end
      per[b] = per[b] or {}
      if sign > 0 then table.insert(per[b], 0) end
      table.insert(per[b], w .. "\0" .. it.score .. "\0" .. it.folded .. "\0" .. it.key)
      for _, p in ipairs(prefixes(w)) do
        if not split(p) then break end
        counts[p] = (counts[p] or 0) + sign
      end
    end
  end
  flush_nodes()
  for b, args in pairs(per) do
    for i = 1, #args, 2000 do redis.call(sign > 0 and "ZADD" or "ZREM", lkey(b), unpack(args, i, math.min(i + 1999, #args))) end
  end
  local names, total = {}, {}
  for p in pairs(counts) do names[#names + 1] = p end
  for i = 1, #names, 1000 do
    local r = redis.call("HMGET", N, unpack(names, i, math.min(i + 999, #names)))
    for j = 1, #r do
      local p = names[i + j - 1]
      total[p] = (tonumber(r[j]) or 0) + counts[p]
    end
  end
  hset_all(N, total)
  if sign < 0 then return end
  for b in pairs(per) do
    if string.sub(b, -1) ~= "$" and redis.call("ZCARD", lkey(b)) > K then split_bucket(b) end
  end
  for p, c in pairs(total) do promote(p, c) end
  flush_nodes()
end

-- Brand-new items are batched: their entries, then one add per list for the whole batch. Any
-- other operation first applies what is pending (operations stay ordered).
local pending = {}
local function flush()
  if #pending == 0 then return end
  local its = pending
  pending = {}
  index(its, 1)
  load_items(its)
  add_to_lists(its)
end

-- Forgets an item: record and entries first, so a list rebuilt meanwhile skips it.
local function remove(key)
  flush()
  local old = redis.call("HGET", D, key)
  if not old then return 0 end
  local it = item(key, string.match(old, "^([^%z]*)%z([^%z]*)%z"))
  redis.call("HDEL", D, key)
  index({ it }, -1)
  for _, spec in pairs(lists_of(it)) do plist_remove(spec, it) end
  if it.wide then redis.call("ZREM", X, it.folded .. "\0" .. key) end
  return 1
end

-- A new item joins the pending batch; a changed one is removed and added again.
local function add(key, score, folded, title, data)
  local record = score .. "\0" .. folded .. "\0" .. title .. "\0" .. data
  if redis.call("HSETNX", D, key, record) == 1 then
    local it = item(key, score, folded)
    if it.wide then redis.call("ZADD", X, score, folded .. "\0" .. key) end
    pending[#pending + 1] = it
    if #pending >= 2000 then flush() end
    return 1
  end
  local old = redis.call("HGET", D, key)
  if string.match(old, "^([^%z]*%z[^%z]*)%z") == score .. "\0" .. folded then
    redis.call("HSET", D, key, record)
    return 0
  end
  remove(key)
  return add(key, score, folded, title, data) - 1
end

-- every write call invalidates the answers searches cached (see autocomplete-search.lua)
redis.call("INCR", tag .. ":g")
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
