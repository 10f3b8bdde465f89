/**
 * Canonical encoding of function arguments, and the digest that ends a cache key.
 *
 * Two argument lists that mean the same get the same encoding: object key order does not
 * matter, nor does the insertion order of a `Map` or `Set` (their entries are sorted by
 * their own encodings). Values JSON would confuse stay apart: `undefined` vs `null` vs a
 * missing argument, `-0` vs `0`, `NaN`, `1` vs `1n` vs `"1"`, a `Date` vs its ISO string, a
 * `Map` vs a plain object, a `Buffer` vs an array of numbers.
 *
 * The encoding is a small tagged text format, versioned by {@link CANONICAL_VERSION}:
 *
 * | value | encoding |
 * |---|---|
 * | `undefined` `null` `true` `false` | `u` `n` `t` `f` |
 * | number | `d` + `String(n)` + `;` (`d-0;` for `-0`, `dNaN;`, `dInfinity;`) |
 * | bigint | `b` + decimal + `;` |
 * | string | `s` + length + `:` + the string (`S` + length + `:` + UTF-16 hex for ill-formed strings) |
 * | Date | `D` + epoch ms (or `NaN`) + `;` |
 * | array | `a` + length + `[` items (`h` for a hole) `]` |
 * | plain object | `o{` key₁ value₁ key₂ value₂ … `}` (own enumerable string keys, sorted) |
 * | Map / Set | `M{` sorted key-value pairs `}` / `E{` sorted members `}` |
 * | Buffer, typed arrays, ArrayBuffer | `B` + kind + `:` + base64 + `;` |
 * | RegExp | `r` + encoded source + encoded flags |
 * | object with `toJSON()` | `j` + encoded class name + encoded `toJSON()` result |
 *
 * Anything else (functions, symbols, class instances without `toJSON`) and cyclic values
 * are rejected with a {@link ValidationError} naming the argument: pass a `key` function.
 *
 * The digest is the first 16 bytes (128 bits) of SHA-256 over the UTF-8 encoding, in
 * base64url (22 characters). Everything here is specified by ECMAScript (number to string,
 * code-unit sort order) or by SHA-256, so digests are stable across processes, machines and
 * Node versions; unit tests pin them against fixed vectors.
 */
import { createHash } from "node:crypto";
import { ValidationError } from "../errors";

/** Bumped if the encoding ever changes (it is part of no key, so a change would orphan entries). */
export const CANONICAL_VERSION = 1;

function fail(path: string, message: string): never {
  throw new ValidationError({ path, message: `${message}; pass a \`key\` function that returns plain data` });
}

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function str(s: string): string {
  // String#isWellFormed (Node 20+): a lone surrogate would become U+FFFD in UTF-8 and collide.
  return isWellFormed(s) ? `s${s.length}:${s}` : `S${s.length}:${Buffer.from(s, "utf16le").toString("hex")}`;
}

function num(n: number): string {
  return Object.is(n, -0) ? "d-0;" : `d${String(n)};`;
}

function bytes(kind: string, view: ArrayBufferView | ArrayBuffer): string {
  const buf = view instanceof ArrayBuffer ? Buffer.from(view) : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  return `B${kind}:${buf.toString("base64")};`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeValue(value: unknown, path: string, ancestors: object[]): string {
  switch (typeof value) {
    case "undefined":
      return "u";
    case "boolean":
      return value ? "t" : "f";
    case "number":
      return num(value);
    case "bigint":
      return `b${value.toString()};`;
    case "string":
      return str(value);
    case "function":
      return fail(path, "a function cannot be part of a cache key");
    case "symbol":
      return fail(path, "a symbol cannot be part of a cache key");
  }
  if (value === null) return "n";
  const obj = value as object;
  if (ancestors.includes(obj)) fail(path, "cyclic value cannot be part of a cache key");
  if (obj instanceof Date) return `D${String(obj.getTime())};`;
  if (obj instanceof RegExp) return `r${str(obj.source)}${str(obj.flags)}`;
  if (ArrayBuffer.isView(obj)) return bytes(Buffer.isBuffer(obj) ? "Buffer" : obj.constructor.name, obj);
  if (obj instanceof ArrayBuffer) return bytes("ArrayBuffer", obj);
  ancestors.push(obj);
  try {
    if (Array.isArray(obj)) {
      let out = `a${obj.length}[`;
      for (let i = 0; i < obj.length; i++) out += i in obj ? encodeValue(obj[i], `${path}[${i}]`, ancestors) : "h";
      return `${out}]`;
    }
    if (obj instanceof Map) {
      const pairs = [...obj].map(([k, v], i) => encodeValue(k, `${path}<key ${i}>`, ancestors) + encodeValue(v, `${path}.get(${i})`, ancestors));
      return `M{${pairs.sort(compare).join("")}}`;
    }
    if (obj instanceof Set) {
      const members = [...obj].map((m, i) => encodeValue(m, `${path}<member ${i}>`, ancestors));
      return `E{${members.sort(compare).join("")}}`;
    }
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto === Object.prototype || proto === null) {
      const record = obj as Record<string, unknown>;
      let out = "o{";
      for (const k of Object.keys(record).sort(compare)) out += str(k) + encodeValue(record[k], `${path}.${k}`, ancestors);
      return `${out}}`;
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "";
    if (typeof toJSON === "function") return `j${str(name)}${encodeValue(toJSON.call(obj), `${path}.toJSON()`, ancestors)}`;
    return fail(path, `an instance of ${name || "an anonymous class"} has no canonical form`);
  } finally {
    ancestors.pop();
  }
}

/** The canonical encoding of an argument list (see the module comment). Throws ValidationError. */
export function canonicalEncode(args: readonly unknown[]): string {
  const ancestors: object[] = [];
  let out = `a${args.length}[`;
  for (let i = 0; i < args.length; i++) out += encodeValue(args[i], `args[${i}]`, ancestors);
  return `${out}]`;
}

/** 128-bit SHA-256 digest of a canonical encoding, base64url (22 characters, key-safe). */
export function digestOf(encoding: string): string {
  return createHash("sha256").update(encoding, "utf8").digest().subarray(0, 16).toString("base64url");
}

// Hot keys are hashed again and again on the hit path: remember the digests of short
// encodings (FIFO, bounded), which saves a SHA-256 per hit (~2-3 µs).
const MEMO_MAX = 10_000;
const MEMO_MAX_LENGTH = 256;
const memo = new Map<string, string>();

/** `digestOf(canonicalEncode(args))`: the last segment of a memoized call's key. */
export function argsDigest(args: readonly unknown[]): string {
  const encoding = canonicalEncode(args);
  if (encoding.length > MEMO_MAX_LENGTH) return digestOf(encoding);
  let digest = memo.get(encoding);
  if (digest === undefined) {
    digest = digestOf(encoding);
    if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value as string);
    memo.set(encoding, digest);
  }
  return digest;
}
