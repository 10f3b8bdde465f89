-- model-query: evaluates one query page server-side: the expression into scratch keys under
-- the model's hash tag, expired records removed, sorted, sliced, rows read, scratch deleted.
-- KEYS[1]  {…}:all   ARGV[1] ModelKeys.base   ARGV[2] schema JSON
-- ARGV[3]  scratch key base ({…}:tmp:<random>; keys base:1, base:2, … are deleted before
--          returning, and carry a 60 s PEXPIRE in case the script is killed)
-- ARGV[4]  plan JSON (src/models/query/planner.ts): nodes
--          {o="all"} {o="none"} {o="set",k} {o="uniq",k,v} {o="pk",v} {o="range",k,min,max}
--          {o="prefix",k,p} {o="match",k=[postings keys],t=tokens key,f} {o="and"|"or",c=[…]} {o="not",c}
-- ARGV[5]  op: "count" | "ids" | "rows" | "delete"
-- ARGV[6]  offset   ARGV[7] limit (-1 = all)
-- ARGV[8]  order JSON {by="pk"|"range"|"lex"|"score", k=key, desc=bool}
-- ARGV[9]  keyset cursor for pk order: only pks after this one (in the order's direction);
--          "" = none (then ARGV[6] offset applies)
-- Returns  count → integer; ids → pks; rows → pk1, hgetall1, pk2, …; delete → number deleted
-- Expired records: up to 100 are swept (fully deleted) per call; any left are subtracted.
-- (model-lib.lua and model-query-lib.lua are prepended: init, eval, page_of, …)
local function main()
  local now = now_ms()
  sweep(now, 100)
  local plan = cjson.decode(ARGV[4])
  local op, offset, limit = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
  local order = cjson.decode(ARGV[8])
  local R, scored = eval(plan)
  local whole = R == M.all
  if redis.call("ZCOUNT", M.exp, "-inf", now) > 0 then
    local gone = tmp()
    redis.call("ZRANGESTORE", gone, M.exp, "-inf", now, "BYSCORE")
    local live = tmp()
    redis.call("ZDIFFSTORE", live, 2, R, gone)
    seal(live)
    R, whole = live, false
  end
  if op == "count" then return card(R) end
  if op == "delete" then order = { by = "pk", k = M.order, desc = false } end

  local pks
  if order.by == "score" and scored then
    pks = page_of(R, offset, limit, true)
  elseif order.by == "range" or order.by == "lex" then
    local sorted
    if order.by == "range" then
      if whole then sorted = order.k else
        sorted = tmp()
        redis.call("ZINTERSTORE", sorted, 2, R, order.k, "WEIGHTS", 0, 1)
        seal(sorted)
      end
    else
      local rtype = keytype(R)
      local ranked, args, rank = tmp(), {}, 0
      local members = redis.call("ZRANGE", order.k, 0, -1)
      for _, m in ipairs(members) do
        local pk = pk_of(m)
        local inside
        if rtype == "set" then inside = redis.call("SISMEMBER", R, pk) == 1 else inside = redis.call("ZSCORE", R, pk) ~= false end
        if inside then
          rank = rank + 1
          args[#args + 1] = rank
          args[#args + 1] = pk
        end
      end
      if #args > 0 then chunked("ZADD", ranked, args, 1000); seal(ranked) end
      sorted = ranked
    end
    local n1 = redis.call("ZCARD", sorted)
    pks = page_of(sorted, offset, limit, order.desc)
    local want = limit < 0 and math.huge or limit
    if #pks < want then
      -- Records whose sort field is null come last, in pk order.
      local nulls = tmp()
      redis.call("ZDIFFSTORE", nulls, 2, R, sorted)
      redis.call("ZINTERSTORE", nulls, 2, nulls, M.order, "WEIGHTS", 0, 1)
      seal(nulls)
      local rest = page_of(nulls, math.max(0, offset - n1), limit < 0 and -1 or (want - #pks), false)
      for _, pk in ipairs(rest) do pks[#pks + 1] = pk end
    end
  else
    local after = ARGV[9] or ""
    if after == "" then after = nil end
    local n = (not whole) and card(R) or nil
    if n and n <= SMALL and not after then
      local ms = keytype(R) == "set" and redis.call("SMEMBERS", R) or redis.call("ZRANGE", R, 0, -1)
      if M.s.inc == 1 then
        table.sort(ms, function(a, b) return tonumber(a) < tonumber(b) end)
      else
        if BYTE_ORDER then table.sort(ms) else table.sort(ms, bytes_lt) end
      end
      pks = {}
      local stop = limit < 0 and #ms or math.min(#ms, offset + limit)
      for i = offset + 1, stop do pks[#pks + 1] = order.desc and ms[#ms + 1 - i] or ms[i] end
    else
      local sorted = M.order
      if not whole then
        sorted = tmp()
        redis.call("ZINTERSTORE", sorted, 2, R, M.order, "WEIGHTS", 0, 1)
        seal(sorted)
      end
      if not after then
        pks = page_of(sorted, offset, limit, order.desc)
      elseif limit == 0 then
        pks = {}
      elseif M.s.inc == 1 then
        if order.desc then pks = redis.call("ZRANGE", sorted, "(" .. after, "-inf", "BYSCORE", "REV", "LIMIT", 0, limit)
        else pks = redis.call("ZRANGE", sorted, "(" .. after, "+inf", "BYSCORE", "LIMIT", 0, limit) end
      else
        if order.desc then pks = redis.call("ZRANGE", sorted, "(" .. after, "-", "BYLEX", "REV", "LIMIT", 0, limit)
        else pks = redis.call("ZRANGE", sorted, "(" .. after, "+", "BYLEX", "LIMIT", 0, limit) end
      end
    end
  end

  if op == "ids" then return pks end
  if op == "delete" then
    local n = 0
    for _, pk in ipairs(pks) do n = n + rec_delete(pk) end
    return n
  end
  local out = {}
  for _, pk in ipairs(pks) do
    local h = redis.call("HGETALL", rkey(pk))
    if #h > 0 then
      out[#out + 1] = pk
      out[#out + 1] = h
    end
  end
  return out
end

local ok, result = pcall(main)
for _, k in ipairs(temps) do redis.call("DEL", k) end
if not ok then
  if type(result) == "table" and result.err then return redis.error_reply(result.err) end
  return redis.error_reply("ERR model-query: " .. tostring(result))
end
return result
