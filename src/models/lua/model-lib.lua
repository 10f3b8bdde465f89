-- model-lib: functions shared by every model script; the registry prepends this file to
-- model-save, model-delete, model-incr, model-expire and model-query (not a script of its own).
--
-- Key layout (the same as src/model-keys.ts ModelKeys; ARGV[1] of every script is ModelKeys.base,
-- "{<prefix>:<Model>}:"):
--   r:<pk> record hash · all set of pks · o pk-order zset · i:<f>:<v> equality set
--   z:<f> range zset · x:<f> lex zset ("value\0pk") · u:<f> unique hash (value → pk)
--   f:<f>:<term> postings zset (pk → tf) · t:<f> token hash (pk → "len term tf …")
--   s full-text stats hash (<f> → total tokens) · e expiry zset (pk → unix ms) · seq counter
--   c:<f>:<pk> container field of a record
-- Schema (ARGV[2], JSON built once per model by metadata.ts):
--   { pk = name, inc = 0|1, f = [{ n, e, r, x, u, t }], c = [container field names] }
-- Errors are returned, never raised, as "NARWHAL <CODE> <json>" (see src/errors.ts).
local unpack = unpack or table.unpack
local M = {}

local function init(base, schema)
  M.base = base
  M.s = cjson.decode(schema)
  M.all = base .. "all"
  M.order = base .. "o"
  M.exp = base .. "e"
  M.stats = base .. "s"
  M.seq = base .. "seq"
end

local function rkey(pk) return M.base .. "r:" .. pk end
local function eqkey(f, v) return M.base .. "i:" .. f .. ":" .. v end
local function zkey(f) return M.base .. "z:" .. f end
local function xkey(f) return M.base .. "x:" .. f end
local function ukey(f) return M.base .. "u:" .. f end
local function fkey(f, t) return M.base .. "f:" .. f .. ":" .. t end
local function tkey(f) return M.base .. "t:" .. f end
local function ckey(f, pk) return M.base .. "c:" .. f .. ":" .. pk end

local function now_ms()
  local t = redis.call("TIME")
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function to_table(flat)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

-- Runs a variadic command in chunks: fixed head args, then the items of `list`.
local function chunked(cmd, key, list, step)
  step = step or 1000
  for i = 1, #list, step do
    local stop = math.min(i + step - 1, #list)
    redis.call(cmd, key, unpack(list, i, stop))
  end
end

local function fail(code, detail)
  return "NARWHAL " .. code .. " " .. cjson.encode(detail)
end

local function parse_tokens(entry)
  local parts = {}
  for w in string.gmatch(entry, "%S+") do parts[#parts + 1] = w end
  local terms = {}
  for i = 2, #parts, 2 do terms[parts[i]] = tonumber(parts[i + 1]) end
  return tonumber(parts[1]) or 0, terms
end

local function ft_remove(f, pk)
  local old = redis.call("HGET", tkey(f), pk)
  if not old then return end
  local len, terms = parse_tokens(old)
  for t in pairs(terms) do redis.call("ZREM", fkey(f, t), pk) end
  redis.call("HDEL", tkey(f), pk)
  redis.call("HINCRBY", M.stats, f, -len)
end

local function ft_add(f, pk, entry)
  if entry == "" then return end
  local len, terms = parse_tokens(entry)
  for t, tf in pairs(terms) do redis.call("ZADD", fkey(f, t), tf, pk) end
  redis.call("HSET", tkey(f), pk, entry)
  redis.call("HINCRBY", M.stats, f, len)
end

local function unindex(fd, pk, v)
  if fd.e == 1 then redis.call("SREM", eqkey(fd.n, v), pk) end
  if fd.r == 1 then redis.call("ZREM", zkey(fd.n), pk) end
  if fd.x == 1 then redis.call("ZREM", xkey(fd.n), v .. "\0" .. pk) end
  if fd.u == 1 and redis.call("HGET", ukey(fd.n), v) == pk then redis.call("HDEL", ukey(fd.n), v) end
end

local function index(fd, pk, v)
  if fd.e == 1 then redis.call("SADD", eqkey(fd.n, v), pk) end
  if fd.r == 1 then redis.call("ZADD", zkey(fd.n), v, pk) end
  if fd.x == 1 then redis.call("ZADD", xkey(fd.n), 0, v .. "\0" .. pk) end
  if fd.u == 1 then redis.call("HSET", ukey(fd.n), v, pk) end
end

-- Deletes a record and every index entry, unique claim, posting and container it owns.
local function rec_delete(pk)
  local rk = rkey(pk)
  local old = to_table(redis.call("HGETALL", rk))
  local existed = redis.call("SREM", M.all, pk) == 1
  for _, fd in ipairs(M.s.f) do
    local v = old[fd.n]
    if v then unindex(fd, pk, v) end
    if fd.t == 1 then ft_remove(fd.n, pk) end
  end
  for _, c in ipairs(M.s.c) do redis.call("DEL", ckey(c, pk)) end
  local had = redis.call("DEL", rk) == 1
  redis.call("ZREM", M.order, pk)
  redis.call("ZREM", M.exp, pk)
  return (existed or had) and 1 or 0
end

local function is_expired(pk, now)
  local at = redis.call("ZSCORE", M.exp, pk)
  return at ~= false and at ~= nil and tonumber(at) <= now
end

-- Deletes up to `max` records whose TTL has passed; returns how many.
local function sweep(now, max)
  local due = redis.call("ZRANGE", M.exp, "-inf", now, "BYSCORE", "LIMIT", 0, max)
  for _, pk in ipairs(due) do rec_delete(pk) end
  return #due
end

-- Returns an error string when a changed unique value is held by another live record.
-- Expired holders are deleted first (their claim is void).
local function check_unique(pk, old, vals, now)
  for _, fd in ipairs(M.s.f) do
    local v = vals[fd.n]
    if fd.u == 1 and v and v ~= old[fd.n] then
      local owner = redis.call("HGET", ukey(fd.n), v)
      if owner and owner ~= pk then
        if is_expired(owner, now) then
          rec_delete(owner)
        else
          return fail("UNIQUE_CONSTRAINT", { field = fd.n, value = v })
        end
      end
    end
  end
  return nil
end

-- Writes `vals` (field → string, or false for null) into record `pk`, diffing every index
-- against `old` (the stored values read by the caller). `full`: fields missing from `vals`
-- become null. `toks`: field → full-text entry for changed full-text fields.
local function rec_write(pk, old, vals, toks, full)
  local rk = rkey(pk)
  local sets, dels = { M.s.pk, pk }, {}
  for _, fd in ipairs(M.s.f) do
    local n = fd.n
    local nv = vals[n]
    if nv == nil and full then nv = false end
    if nv ~= nil then
      if nv == false then nv = nil end
      local ov = old[n]
      if ov ~= nv then
        if ov then unindex(fd, pk, ov) end
        if nv then
          index(fd, pk, nv)
          sets[#sets + 1] = n
          sets[#sets + 1] = nv
        else
          dels[#dels + 1] = n
        end
      end
    end
    if fd.t == 1 and toks[n] ~= nil then
      ft_remove(n, pk)
      ft_add(n, pk, toks[n])
    end
  end
  chunked("HSET", rk, sets)
  if #dels > 0 then chunked("HDEL", rk, dels) end
  redis.call("SADD", M.all, pk)
  if M.s.inc == 1 then redis.call("ZADD", M.order, pk, pk) else redis.call("ZADD", M.order, 0, pk) end
end
