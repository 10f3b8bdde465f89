/**
 * The item scan both native autocomplete ports fall back to, as their Lua does: every item
 * having a word that starts with `prefix` (ZRANGE BYLEX on the lexical index, keys deduplicated
 * in index order), its record read with HMGET 500 keys at a time.
 */
import { memberKey, recordFields } from "./bytes";
import { ErrorReply, NativeScriptError, type ScriptCalls } from "../../memory/native";

/** One item of the scan: its key ("type\0id") and the score and folded words of its record. */
export interface ScannedItem {
  readonly key: string;
  readonly score: string;
  readonly folded: string;
}

function malformed(what: string): never {
  throw new NativeScriptError(new ErrorReply(`ERR autocomplete: malformed ${what}`));
}

/** Calls `onBatch` with each batch of up to 500 items (records gone meanwhile are left out). */
export function scanItemsWithPrefix(redis: ScriptCalls, w: string, d: string, prefix: string, onBatch: (items: ScannedItem[]) => void): void {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const m of redis.strings("ZRANGE", w, `[${prefix}`, `[${prefix}\xff`, "BYLEX")) {
    if (m === undefined || !m.includes("\0")) malformed("lexical index member");
    const k = memberKey(m);
    if (!seen.has(k)) {
      seen.add(k);
      keys.push(k);
    }
  }
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const records = redis.strings("HMGET", d, ...batch);
    const items: ScannedItem[] = [];
    for (let j = 0; j < batch.length; j++) {
      const record = records[j];
      if (record === undefined) continue;
      const fields = recordFields(record) ?? malformed("item record");
      items.push({ key: batch[j]!, score: fields.score, folded: fields.folded });
    }
    onBatch(items);
  }
}
