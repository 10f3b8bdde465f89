/**
 * The lower-case name of a command from its first argument (`SET`, `set`, `Set` → `set`), as
 * `argv[0].toString("latin1").toLowerCase()` would give, without decoding the bytes and
 * lower-casing a new string for every request: names already seen are found by a hash of
 * their bytes. Used by every command the server and the engine dispatch (any Redis command).
 */

/** Names longer than this, or with bytes ≥ 0x80 (lower-cased by Unicode rules), take the slow path. */
const MAX_CACHED_LENGTH = 32;
/** A client sending random names must not grow the cache without bound. */
const MAX_ENTRIES = 1024;
const cache = new Map<number, string>();

const slow = (b: Buffer) => b.toString("latin1").toLowerCase();

/** `argv[0]`'s command name, lower-case. */
export function commandName(b: Buffer): string {
  const len = b.length;
  if (len > MAX_CACHED_LENGTH) return slow(b);
  let h = len;
  for (let i = 0; i < len; i++) {
    let c = b[i]!;
    if (c >= 0x80) return slow(b);
    if (c >= 65 && c <= 90) c += 32;
    h = (Math.imul(h, 31) + c) | 0;
  }
  const name = cache.get(h);
  if (name !== undefined && name.length === len && sameLowerCase(b, name)) return name;
  const fresh = slow(b);
  if (name === undefined && cache.size < MAX_ENTRIES) cache.set(h, fresh);
  return fresh;
}

function sameLowerCase(b: Buffer, name: string): boolean {
  for (let i = 0; i < b.length; i++) {
    let c = b[i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}
