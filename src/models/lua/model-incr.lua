-- model-incr: adds to a numeric field of one record and updates its indexes, atomically.
-- KEYS[1]  {…}:all   ARGV[1] ModelKeys.base   ARGV[2] schema JSON
-- ARGV[3]  pk   ARGV[4] field   ARGV[5] amount   ARGV[6] "integer" | "float"
-- Returns  the new value as stored (string)
-- Errors   NOT_FOUND · VALIDATION (integer leaves the safe range) · UNIQUE_CONSTRAINT
init(ARGV[1], ARGV[2])
local now = now_ms()
local pk, f, by, kind = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local rk = rkey(pk)
if redis.call("EXISTS", rk) == 0 or is_expired(pk, now) then
  return redis.error_reply(fail("NOT_FOUND", { message = "record " .. pk .. " does not exist (deleted or expired)" }))
end
local old = to_table(redis.call("HGETALL", rk))
local value = (tonumber(old[f] or "0") or 0) + by
local s
if kind == "integer" then
  if math.abs(value) > 9007199254740991 then
    return redis.error_reply(fail("VALIDATION", { path = f, message = "the result leaves the safe integer range" }))
  end
  s = string.format("%d", value)
else
  s = string.format("%.17g", value)
end
local vals = { [f] = s }
local err = check_unique(pk, old, vals, now)
if err then return redis.error_reply(err) end
rec_write(pk, old, vals, {}, false)
return s
