-- model-get: reads records by pk, hiding expired ones (read-only).
-- KEYS[1]  {…}:all   ARGV[1] ModelKeys.base   ARGV[2…] pks
-- Returns  one entry per pk: the record's HGETALL array, or nil when missing/expired
local base = ARGV[1]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 2, #ARGV do
  local pk = ARGV[i]
  local at = redis.call("ZSCORE", base .. "e", pk)
  local row = false
  if not (at and tonumber(at) <= now) then
    local h = redis.call("HGETALL", base .. "r:" .. pk)
    if #h > 0 then row = h end
  end
  out[#out + 1] = row
end
return out
