-- model-delete: deletes one record with every index entry, unique claim, posting and
-- container field it owns, reading the stored values server-side.
-- KEYS[1]  {…}:all   ARGV[1] ModelKeys.base   ARGV[2] schema JSON   ARGV[3] pk
-- Returns  1 when a live record was deleted, 0 when there was none (or it had expired)
init(ARGV[1], ARGV[2])
local now = now_ms()
sweep(now, 20)
local pk = ARGV[3]
local expired = is_expired(pk, now)
local deleted = rec_delete(pk)
if expired then return 0 end
return deleted
