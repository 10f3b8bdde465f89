-- model-save: creates, upserts or updates one record atomically (hash, all-set, pk order,
-- every equality/range/lex/unique/full-text index), diffing against the stored record.
-- KEYS[1]  {…}:all (routes the call; every other key shares its hash tag)
-- ARGV[1]  ModelKeys.base   ARGV[2] schema JSON
-- ARGV[3]  mode: "create" (error if the pk exists) | "upsert" | "update" (error if it does not)
-- ARGV[4]  pk, or "" to take the next auto-increment value
-- ARGV[5]  TTL in ms for create/upsert ("" = none); update keeps the record's TTL
-- ARGV[6]  n = number of value pairs; then n pairs (field, "v"..value | "n" for null);
--          then (field, full-text entry) pairs to the end
-- Returns  the pk
-- Errors   NARWHAL UNIQUE_CONSTRAINT {field,value} (nothing written; the pk field for an
--          existing pk on create) · NARWHAL NOT_FOUND {message} (update of a missing record)
init(ARGV[1], ARGV[2])
local now = now_ms()
sweep(now, 20)
local mode, pk, ttl = ARGV[3], ARGV[4], ARGV[5]
local n = tonumber(ARGV[6])
local vals, toks = {}, {}
for i = 7, 6 + 2 * n, 2 do
  local v = ARGV[i + 1]
  if v == "n" then vals[ARGV[i]] = false else vals[ARGV[i]] = string.sub(v, 2) end
end
for i = 7 + 2 * n, #ARGV, 2 do toks[ARGV[i]] = ARGV[i + 1] end

local nextseq = nil
if pk == "" then
  nextseq = (tonumber(redis.call("GET", M.seq)) or 0) + 1
  pk = string.format("%d", nextseq)
elseif M.s.inc == 1 and tonumber(pk) > (tonumber(redis.call("GET", M.seq)) or 0) then
  nextseq = tonumber(pk)
end

local rk = rkey(pk)
local exists = redis.call("EXISTS", rk) == 1
if exists and is_expired(pk, now) then
  rec_delete(pk)
  exists = false
end
if mode == "create" and exists then
  return redis.error_reply(fail("UNIQUE_CONSTRAINT", { field = M.s.pk, value = pk }))
end
if mode == "update" and not exists then
  return redis.error_reply(fail("NOT_FOUND", { message = "record " .. pk .. " does not exist (deleted or expired)" }))
end
local old = {}
if exists then old = to_table(redis.call("HGETALL", rk)) end
local err = check_unique(pk, old, vals, now)
if err then return redis.error_reply(err) end

if nextseq then redis.call("SET", M.seq, string.format("%d", nextseq)) end
-- A new record never inherits container data written through a stale handle of a deleted one.
if not exists then
  for _, c in ipairs(M.s.c) do redis.call("DEL", ckey(c, pk)) end
end
rec_write(pk, old, vals, toks, mode ~= "update")
if mode ~= "update" then
  if ttl ~= "" then redis.call("ZADD", M.exp, now + tonumber(ttl), pk) else redis.call("ZREM", M.exp, pk) end
end
return pk
