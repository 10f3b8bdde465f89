/** HSCAN, SSCAN and ZSCAN share this: cursor first, then the key (missing → empty page), then options. */
import { Buffer } from "node:buffer";
import { bytes } from "../bytes";
import type { Ctx } from "../command";
import { keyAt } from "../command";
import { formatDouble } from "../numbers";
import type { Reply } from "../protocol";
import { matches, parseCursor, parseScanOptions } from "../scan";
import type { TypeName, ValueOf } from "../values";
import { ZSet } from "../zset";

const EMPTY: Reply = [Buffer.from("0"), []];
const SMALL = 128;

export function scanContainer<T extends "hash" | "set" | "zset">(ctx: Ctx, type: T): Reply {
  const cursor = parseCursor(ctx.argv[2]!);
  const value = ctx.db.get(keyAt(ctx, 1), type as TypeName) as ValueOf<T> | undefined;
  if (value === undefined) return EMPTY;
  const options = parseScanOptions(ctx.argv, 3, false);
  const collection = value instanceof ZSet ? value.scores : value;
  const small = isSmall(value);
  const page = small
    ? { next: 0, items: value instanceof ZSet ? [...value.entries()].map((n) => n.member) : [...(collection as Map<string, unknown> | Set<string>).keys()] }
    : ctx.engine.cursors.page(() => (collection as Map<string, unknown> | Set<string>).keys(), cursor, options.count);
  const out: Reply[] = [];
  for (const item of page.items) {
    if (!matches(options, item)) continue;
    if (value instanceof Map) {
      const v = value.get(item);
      if (v !== undefined) out.push(bytes(item), v);
    } else if (value instanceof ZSet) {
      const s = value.scores.get(item);
      if (s !== undefined) out.push(bytes(item), Buffer.from(formatDouble(s)));
    } else if (value.has(item)) out.push(bytes(item));
  }
  return [Buffer.from(String(page.next)), out];
}

/** Would Redis keep this container in a listpack/intset encoding (answered in one page)? */
function isSmall(value: Map<string, Buffer> | Set<string> | ZSet): boolean {
  if (value instanceof ZSet) {
    if (value.size > SMALL) return false;
    for (const m of value.scores.keys()) if (m.length > 64) return false;
    return true;
  }
  if (value instanceof Map) {
    if (value.size > SMALL) return false;
    for (const [f, v] of value) if (f.length > 64 || v.length > 64) return false;
    return true;
  }
  if (value.size > 512) return false;
  for (const m of value) if (!/^(?:0|-?[1-9][0-9]{0,18})$/.test(m)) return false;
  return true;
}
