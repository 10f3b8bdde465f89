-- model-query-lib: expression evaluation for model-query.lua (prepended to it together with
-- model-lib.lua; not a script of its own). Scratch keys are ARGV[3]:1, ARGV[3]:2, …
init(ARGV[1], ARGV[2])
local TMP, temps = ARGV[3], {}
local function tmp()
  local k = TMP .. ":" .. (#temps + 1)
  temps[#temps + 1] = k
  return k
end
local function seal(k) redis.call("PEXPIRE", k, 60000) return k end
local function keytype(k) local t = redis.call("TYPE", k) return t.ok or t end
local function card(k)
  local t = keytype(k)
  if t == "set" then return redis.call("SCARD", k) elseif t == "zset" then return redis.call("ZCARD", k) end
  return 0
end
local function from_list(pks, scores)
  local k = tmp()
  local args = {}
  for i, pk in ipairs(pks) do
    args[#args + 1] = scores and scores[i] or 0
    args[#args + 1] = pk
  end
  if #args > 0 then chunked("ZADD", k, args, 1000); seal(k) end
  return k
end

local function pk_of(member)
  local last = 0
  while true do
    local i = string.find(member, "\0", last + 1, true)
    if not i then break end
    last = i
  end
  return string.sub(member, last + 1)
end

-- Byte-wise "a < b" (Lua's own string order follows the server's locale).
local function bytes_lt(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- True when the server's string collation is byte order (C/POSIX locale): then Lua's own
-- (C-speed) comparison can sort pks; otherwise bytes_lt keeps the order of ZRANGE BYLEX.
local BYTE_ORDER = (not ("a" < "B")) and ("-1" < "0") and ("Z" < "a") and ("a" < "b")

-- Small results are put in pk order in Lua rather than by intersecting with the order zset.
local SMALL = 1000

local K1, B = 1.2, 0.75
local eval

-- ZINTERSTORE/ZUNIONSTORE over any number of keys: folded in chunks of 400 (Lua's unpack
-- has a stack limit), the partial result re-entering each next chunk with weight 1.
local function store(cmd, keys, weights)
  local dst = tmp()
  local i, first = 1, true
  while i <= #keys do
    local stop = math.min(#keys, i + 399)
    local ks, ws = {}, {}
    if not first then ks[1], ws[1] = dst, 1 end
    for j = i, stop do
      ks[#ks + 1] = keys[j]
      ws[#ws + 1] = weights[j]
    end
    local args = { cmd, dst, #ks }
    for _, k in ipairs(ks) do args[#args + 1] = k end
    args[#args + 1] = "WEIGHTS"
    for _, w in ipairs(ws) do args[#args + 1] = w end
    redis.call(unpack(args))
    first, i = false, stop + 1
  end
  seal(dst)
  return dst
end

local function combine(cmd, nodes)
  local keys, weights, scored = {}, {}, false
  for i, c in ipairs(nodes) do
    local k, s = eval(c)
    keys[i] = k
    weights[i] = s and 1 or 0
    scored = scored or s
  end
  if #keys == 1 then return keys[1], scored end
  return store(cmd, keys, weights), scored
end

-- Keeps the members of `src` whose score in the range index node.k lies in [min, max]:
-- intersect with the whole index (cost ~ |src|), then trim both ends. Avoids copying the
-- whole range when another condition is more selective. The result is unscored.
local function filter_range(src, node)
  local dst = tmp()
  redis.call("ZINTERSTORE", dst, 2, src, node.k, "WEIGHTS", 0, 1)
  if node.min ~= "-inf" then
    local lo = string.sub(node.min, 1, 1) == "(" and string.sub(node.min, 2) or ("(" .. node.min)
    redis.call("ZREMRANGEBYSCORE", dst, "-inf", lo)
  end
  if node.max ~= "+inf" then
    local hi = string.sub(node.max, 1, 1) == "(" and string.sub(node.max, 2) or ("(" .. node.max)
    redis.call("ZREMRANGEBYSCORE", dst, hi, "+inf")
  end
  seal(dst)
  return dst
end

-- AND: evaluate the non-range conditions, then apply range conditions as filters (unless a
-- relevance score must be kept, where the plain intersection with weights is used).
local function conjunction(nodes)
  local others, ranges = {}, {}
  for _, c in ipairs(nodes) do
    if c.o == "range" then ranges[#ranges + 1] = c else others[#others + 1] = c end
  end
  if #ranges == 0 then return combine("ZINTERSTORE", nodes) end
  local key, scored
  if #others == 0 then
    key, scored = eval(table.remove(ranges, 1))
  else
    key, scored = combine("ZINTERSTORE", others)
  end
  if scored then
    local all = { key }
    for _, r in ipairs(ranges) do all[#all + 1] = r end
    local keys, weights = {}, {}
    for i, c in ipairs(all) do
      if type(c) == "string" then keys[i], weights[i] = c, 1 else keys[i], weights[i] = eval(c), 0 end
    end
    return store("ZINTERSTORE", keys, weights), true
  end
  for _, r in ipairs(ranges) do key = filter_range(key, r) end
  return key, false
end

local function match(node)
  local n = #node.k
  if n == 0 then return tmp(), true end
  local dst = tmp()
  local args = { "ZINTERSTORE", dst, n }
  for _, k in ipairs(node.k) do args[#args + 1] = k end
  redis.call(unpack(args))
  local pks = redis.call("ZRANGE", dst, 0, -1)
  if #pks == 0 then return dst, true end
  local N = redis.call("HLEN", node.t)
  local avgdl = (tonumber(redis.call("HGET", M.stats, node.f)) or 0) / math.max(N, 1)
  if avgdl <= 0 then avgdl = 1 end
  local idf = {}
  for i, k in ipairs(node.k) do
    local df = redis.call("ZCARD", k)
    idf[i] = math.log(1 + (N - df + 0.5) / (df + 0.5))
  end
  local scores = {}
  for j, pk in ipairs(pks) do
    local entry = redis.call("HGET", node.t, pk) or "1"
    local dl = tonumber(string.match(entry, "^%d+")) or 1
    local score = 0
    for i, k in ipairs(node.k) do
      local tf = tonumber(redis.call("ZSCORE", k, pk)) or 0
      score = score + idf[i] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
    end
    scores[j] = score
  end
  redis.call("DEL", dst)
  local out = from_list(pks, scores)
  return out, true
end

eval = function(node)
  local o = node.o
  if o == "all" then return M.all, false
  elseif o == "none" then return tmp(), false
  elseif o == "set" then return node.k, false
  elseif o == "uniq" then
    local pk = redis.call("HGET", node.k, node.v)
    return from_list(pk and { pk } or {}), false
  elseif o == "pk" then
    local present = redis.call("SISMEMBER", M.all, node.v) == 1
    return from_list(present and { node.v } or {}), false
  elseif o == "range" then
    local dst = tmp()
    redis.call("ZRANGESTORE", dst, node.k, node.min, node.max, "BYSCORE")
    seal(dst)
    return dst, false
  elseif o == "prefix" then
    local members = redis.call("ZRANGE", node.k, "[" .. node.p, "[" .. node.p .. "\255", "BYLEX")
    local pks = {}
    for i, m in ipairs(members) do pks[i] = pk_of(m) end
    return from_list(pks), false
  elseif o == "match" then return match(node)
  elseif o == "and" then return conjunction(node.c)
  elseif o == "or" then return combine("ZUNIONSTORE", node.c)
  elseif o == "not" then
    local k = eval(node.c)
    local dst = tmp()
    redis.call("ZDIFFSTORE", dst, 2, M.all, k)
    seal(dst)
    return dst, false
  end
  error("unknown plan node " .. tostring(o))
end

local function page_of(key, offset, limit, desc)
  if limit == 0 then return {} end
  local stop = limit < 0 and -1 or offset + limit - 1
  if desc then return redis.call("ZRANGE", key, offset, stop, "REV") end
  return redis.call("ZRANGE", key, offset, stop)
end

