/**
 * The lower-case name of a command from its first argument (`SET`, `set`, `Set` → `set`), as
 * `argv[0].toString("latin1").toLowerCase()` would give, without decoding the bytes and
 * lower-casing a new string for every request: names already seen are found by a hash of
 * their bytes. Used by every command the server and the engine dispatch (any Redis command).
 */
// Node's global `Buffer` is a getter (kept for an ES-module deprecation path): each `Buffer.x`
// on a hot path called it. The module's binding is a constant; the engine's files import it so.
import { Buffer } from "node:buffer";

/** Names longer than this, or with bytes ≥ 0x80 (lower-cased by Unicode rules), take the slow path. */
const MAX_CACHED_LENGTH = 32;
/** A client sending random names must not grow the cache without bound. */
const MAX_ENTRIES = 1024;
const cache = new Map<number, string>();

const slow = (b: Buffer) => b.toString("latin1").toLowerCase();

/**
 * Request names the RESP parser has seen, by a hash of their exact bytes: one shared Buffer per
 * spelling (`SET`, `set`), so a pipelined burst of one command allocates no Buffer for its name
 * and {@link commandName} recognises it by identity. Never mutated (nothing writes into argv).
 */
const interned = new Map<number, Buffer>();
let lastInterned: Buffer | undefined;
let lastInternedName = "";

/** The bytes `buf[start, start + len)` as a Buffer: the shared one for a name seen before (parser.ts). */
export function internName(buf: Buffer, start: number, len: number): Buffer {
  if (len > MAX_CACHED_LENGTH) return copyOf(buf, start, len);
  let h = len;
  for (let i = start; i < start + len; i++) h = (Math.imul(h, 31) + buf[i]!) | 0;
  const known = interned.get(h);
  if (known !== undefined && known.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) if (known[i] !== buf[start + i]) (same = false), (i = len);
    if (same) return known;
  }
  const fresh = copyOf(buf, start, len);
  if (known === undefined && interned.size < MAX_ENTRIES) interned.set(h, fresh);
  return fresh;
}

/**
 * A copy of `buf[start, start + len)` in a Buffer of its own. Up to 32 bytes by a loop: Node's
 * Buffer#copy makes a Uint8Array view of the source range first, 2-3× the time of the loop for
 * the keys and values of a typical request.
 */
export function copyOf(buf: Buffer, start: number, len: number): Buffer {
  const b = Buffer.allocUnsafe(len);
  if (len <= 32) for (let i = 0; i < len; i++) b[i] = buf[start + i]!;
  else buf.copy(b, 0, start, start + len);
  return b;
}

function isInterned(b: Buffer): boolean {
  let h = b.length;
  for (let i = 0; i < b.length; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
  return interned.get(h) === b;
}

/** `argv[0]`'s command name, lower-case. */
export function commandName(b: Buffer): string {
  // The connection and the engine both ask for the name of each request, and a pipelined burst repeats one name.
  if (b === lastInterned) return lastInternedName;
  const name = lowerName(b);
  if (b.length <= MAX_CACHED_LENGTH && isInterned(b)) {
    lastInterned = b;
    lastInternedName = name;
  }
  return name;
}

function lowerName(b: Buffer): string {
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
  if (name === undefined && cache.size < MAX_ENTRIES) cache.set(h, internalized(fresh));
  return fresh;
}

/**
 * The same string as V8's internalized copy (a property key is internalized): the names are
 * compared with literals (`name === "exec"`) and switched on for every request, and two
 * internalized strings compare by address instead of character by character.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

function sameLowerCase(b: Buffer, name: string): boolean {
  for (let i = 0; i < b.length; i++) {
    let c = b[i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}
