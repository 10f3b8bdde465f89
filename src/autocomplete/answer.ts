/**
 * The reply of autocomplete-search as (key, record) pairs, best first: either its flat array
 * (key1, record1, …, already paged) or a cached answer, the best 10 as one string
 * "~<len>:<key><len>:<record>…" (lengths in UTF-16 code units, the units of a JS string), which
 * this slices to the page asked for. An answer without the leading "~" counts bytes (cached by
 * an older version, for at most its 10 minutes).
 */
import { ScriptError } from "../errors";
import { toArray } from "../reply";

export function searchReply(reply: unknown, offset: number, limit: number): Array<[string, string]> {
  return searchEntries(reply, offset, limit, pair);
}

const pair = (key: string, record: string): [string, string] => [key, record];

/**
 * The same as {@link searchReply}, each result built by `make(key, record)`: a cached answer
 * (the common case) is sliced straight into the page's results, with no array of parts in between.
 */
export function searchEntries<T>(reply: unknown, offset: number, limit: number, make: (key: string, record: string) => T): T[] {
  if (typeof reply === "string" && reply.charCodeAt(0) === 0x7e) return packedPage(reply, offset, limit, make);
  return searchPairs(reply, offset, limit).map(([key, record]) => make(key, record));
}

function searchPairs(reply: unknown, offset: number, limit: number): Array<[string, string]> {
  if (typeof reply === "string") return page(reply.startsWith("~") ? packedParts(reply) : packedPartsOfBytes(Buffer.from(reply)), offset, limit);
  if (Buffer.isBuffer(reply)) return page(reply[0] === 0x7e ? packedParts(reply.toString("utf8")) : packedPartsOfBytes(reply), offset, limit);
  const out: Array<[string, string]> = [];
  const flat = toArray(reply);
  for (let i = 0; i + 1 < flat.length; i += 2) {
    // The script leaves out list members whose item is gone; a nil record (older script) is skipped too.
    const record = flat[i + 1];
    if (record !== null && record !== undefined) out.push([String(flat[i]), String(record)]);
  }
  return out;
}

function page(parts: string[], offset: number, limit: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 2 * offset; i + 1 < Math.min(parts.length, 2 * (offset + limit)); i += 2) out.push([parts[i]!, parts[i + 1]!]);
  return out;
}

/** Results offset..offset+limit-1 of "~<len>:<key><len>:<record>…" (lengths in UTF-16 code units: plain slices). */
function packedPage<T>(text: string, offset: number, limit: number, make: (key: string, record: string) => T): T[] {
  const out: T[] = [];
  let key = "";
  for (let i = 1, part = 0; i < text.length && part < 2 * (offset + limit); part++) {
    const colon = text.indexOf(":", i);
    const start = colon + 1;
    const end = start + Number(text.slice(i, colon));
    if (colon < 0 || !(end <= text.length)) throw new ScriptError("autocomplete-search", `malformed answer at character ${i}`);
    if (part >= 2 * offset) {
      if (part % 2 === 0) key = text.slice(start, end);
      else out.push(make(key, text.slice(start, end)));
    }
    i = end;
  }
  return out;
}

/** The parts of "~<len>:<part>…" with lengths in UTF-16 code units: plain slices. */
function packedParts(text: string): string[] {
  const parts: string[] = [];
  for (let i = 1; i < text.length; ) {
    const colon = text.indexOf(":", i);
    const start = colon + 1;
    const end = start + Number(text.slice(i, colon));
    if (colon < 0 || !(end <= text.length)) throw new ScriptError("autocomplete-search", `malformed answer at character ${i}`);
    parts.push(text.slice(start, end));
    i = end;
  }
  return parts;
}

/** The parts of "<len>:<part>…" with lengths in bytes (the older format). */
function packedPartsOfBytes(b: Buffer): string[] {
  const parts: string[] = [];
  for (let i = 0; i < b.length; ) {
    const colon = b.indexOf(58, i);
    const n = Number(b.toString("latin1", i, colon));
    parts.push(b.toString("utf8", colon + 1, colon + 1 + n));
    i = colon + 1 + n;
  }
  return parts;
}
