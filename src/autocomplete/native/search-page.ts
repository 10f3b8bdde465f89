/**
 * The last step of the native autocomplete-search port (the Lua `page_of` in
 * `../autocomplete-search-lib.lua`): the page of ranked hits with their records, checked.
 */
import { memberKey, recordFields } from "./bytes";
import type { Hit, Query } from "./search-query";
import type { ScriptCalls } from "../../memory/native";

/**
 * The reply of a search: key, record pairs of hits offset+1..need (one HMGET on `d`). A member
 * whose record is gone, or holds other words than the member (a list left inconsistent by an
 * older version), is left out, added to `dead` and removed from the list it was read from, with
 * errors ignored as the Lua's redis.pcall. `gone` tells whether any was left out.
 */
export function pageOf(redis: ScriptCalls, d: string, results: readonly Hit[], q: Pick<Query, "offset" | "need">, dead: Set<string>): { reply: Buffer[]; gone: boolean } {
  const hits = results.slice(q.offset, Math.min(q.need, results.length));
  if (hits.length === 0) return { reply: [], gone: false };
  const keys = hits.map((h) => memberKey(h[3]));
  const records = redis.strings("HMGET", d, ...keys);
  const reply: Buffer[] = [];
  let gone = false;
  hits.forEach((h, k) => {
    const record = records[k];
    const member = h[3];
    const key = keys[k]!;
    const fields = record === undefined ? undefined : recordFields(record);
    if (record !== undefined && fields !== undefined && fields.folded === member.slice(0, member.length - key.length - 1)) {
      reply.push(Buffer.from(key, "latin1"), Buffer.from(record, "latin1"));
      return;
    }
    dead.add(member);
    gone = true;
    if (h[4] !== undefined) {
      try {
        redis.call(["ZREM", h[4], h[5]!]);
      } catch {
        // best effort, as redis.pcall: the search still answers
      }
    }
  });
  return { reply, gone };
}
