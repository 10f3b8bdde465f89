/**
 * The answer cache's hit path of the native autocomplete-search port, run before anything else
 * as `../autocomplete-search-head.lua` runs before the rest of the Lua.
 */
import type { Reply, ScriptCalls } from "../../memory/native";
import type { Query } from "./search-query";

/**
 * The answer cache's hit path, first as in the Lua (autocomplete-search-head.lua: no question
 * about stored boosts, under which no answer exists at the current generation): the cached
 * answer, else the key where this search stores its answer (undefined: not cacheable, or the
 * index has no generation yet).
 */
export function cachedAnswer(redis: ScriptCalls, q: Query): Reply | string | undefined {
  if (q.need > 10 || q.words.length === 0 || q.types !== undefined || q.boosts.size > 0) return undefined;
  const g = redis.bulk("GET", `${q.tag}:g`);
  if (g === undefined) return undefined;
  const key = `${q.tag}:a:${g}:${q.fuzzy ? "f" : "e"}${q.words.join(" ")}`;
  const hit = redis.bulk("GET", key);
  return hit === undefined ? key : Buffer.from(hit, "latin1");
}
