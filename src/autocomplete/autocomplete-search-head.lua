-- autocomplete-search-head: the answer cache's hit path of autocomplete-search.lua, which the
-- registry (src/lua/registry.ts) puts first, before the libraries: a search answered from the
-- cache (most searches: every keystroke repeats some) defines none of the functions below and
-- reads nothing else (GET <tag>:g, GET of the answer). Arguments as in autocomplete-search.lua.
-- A cacheable search: offset + limit <= 10, at least one word, no types, no query boosts. It
-- need not ask whether stored boosts exist: a search with stored boosts never stores an answer,
-- and storing or removing one (autocomplete-boost) moves the generation, so while <tag>:b holds
-- a boost no answer exists under the current generation and the GET below misses.
-- Leaves ac_key: the answer's key when the search is cacheable and the generation exists.
local ac_key = nil
do
  local n = tonumber(ARGV[5])
  if tonumber(ARGV[2]) <= 10 and n > 0 and tonumber(ARGV[n + 6]) == 0 and tonumber(ARGV[n + 7]) == 0 then
    local g = redis.call("GET", ARGV[1] .. ":g")
    if g then
      ac_key = ARGV[1] .. ":a:" .. g .. ":" .. (ARGV[4] == "1" and "f" or "e") .. table.concat(ARGV, " ", 6, 5 + n)
      local hit = redis.call("GET", ac_key)
      if hit then return hit end
    end
  end
end
