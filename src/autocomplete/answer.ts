/**
 * The reply of autocomplete-search as (key, record) pairs, best first: either its flat array
 * (key1, record1, …, already paged) or a cached answer, the best 10 as one string
 * "<len>:<key><len>:<record>…" (byte lengths), which this slices to the page asked for.
 */
import { toArray } from "../reply";

export function searchReply(reply: unknown, offset: number, limit: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (Buffer.isBuffer(reply) || typeof reply === "string") {
    const b = Buffer.isBuffer(reply) ? reply : Buffer.from(reply);
    const parts: string[] = [];
    for (let i = 0; i < b.length; ) {
      const colon = b.indexOf(58, i);
      const n = Number(b.toString("latin1", i, colon));
      parts.push(b.toString("utf8", colon + 1, colon + 1 + n));
      i = colon + 1 + n;
    }
    for (let i = 2 * offset; i + 1 < Math.min(parts.length, 2 * (offset + limit)); i += 2) out.push([parts[i]!, parts[i + 1]!]);
    return out;
  }
  const flat = toArray(reply);
  for (let i = 0; i + 1 < flat.length; i += 2) {
    // The script leaves out list members whose item is gone; a nil record (older script) is skipped too.
    const record = flat[i + 1];
    if (record !== null && record !== undefined) out.push([String(flat[i]), String(record)]);
  }
  return out;
}
