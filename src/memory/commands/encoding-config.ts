/**
 * CONFIG GET/SET of Redis 7.0's encoding thresholds (encoding.ts), with its names, aliases,
 * built-in defaults, parsing and error texts (config.c): `hash-max-listpack-entries` (512) and
 * `hash-max-listpack-value` (64 bytes, a memory value: `1kb` is accepted), the same two for
 * `zset-` (128, 64), each with its `-ziplist-` alias; `set-max-intset-entries` (512);
 * `list-max-listpack-size` (alias `list-max-ziplist-size`, -2) and `list-compress-depth` (0),
 * which only CONFIG sees (7.0 lists are always `quicklist`); `stream-node-max-bytes` (4096) and
 * `stream-node-max-entries` (100), the size of a stream's macro nodes. A new value applies from the next
 * write, as in Redis: existing containers are not converted by CONFIG SET.
 */
import type { Engine } from "../engine";
import type { EncodingLimits } from "../encoding";
import { registerConfig } from "./config";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const NOT_INTEGER = "argument couldn't be parsed into an integer";
const SIZE_RANGE = "argument must be between 0 and 9223372036854775807 inclusive";

/** string2ll: a canonical signed 64-bit integer, else undefined. */
function int64(text: string): bigint | undefined {
  if (!/^-?[1-9]\d*$|^0$/.test(text)) return undefined;
  const n = BigInt(text);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** A size_t INTEGER_CONFIG bounded 0..LONG_MAX: a negative number wraps past the upper bound in Redis, hence the range error. */
export function sizeT(text: string): number | string {
  const n = int64(text);
  if (n === undefined) return NOT_INTEGER;
  return n < 0n ? SIZE_RANGE : Number(n);
}

const UNITS: Record<string, bigint> = { "": 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n };

/**
 * A size_t MEMORY_CONFIG bounded 0..LONG_MAX, parsed as Redis's memtoull: leading digits (none
 * reads as 0; strtoull saturates), an optional b/k/kb/m/mb/g/gb unit, the product wrapping at
 * 2^64 as in C; then the bounds check.
 */
function memory(text: string): number | string {
  const m = /^(\d*)(.*)$/s.exec(text)!;
  const mul = UNITS[m[2]!.toLowerCase()];
  if (text.startsWith("-") || mul === undefined || m[1]!.length >= 128) return "argument must be a memory value";
  const digits = m[1] === "" ? 0n : BigInt(m[1]!);
  const value = ((digits > 2n ** 64n - 1n ? 2n ** 64n - 1n : digits) * mul) % 2n ** 64n;
  return value > INT64_MAX ? SIZE_RANGE : Number(value);
}

/** An int INTEGER_CONFIG bounded lower..INT_MAX. */
function int(lower: number) {
  return (text: string): number | string => {
    const n = int64(text);
    if (n === undefined) return NOT_INTEGER;
    return n < BigInt(lower) || n > BigInt(INT_MAX) ? `argument must be between ${lower} and ${INT_MAX} inclusive` : Number(n);
  };
}

/** Registers one threshold under each of its names (Redis keeps an alias as a config of its own: both may be set in one CONFIG SET). */
function threshold(names: readonly string[], field: keyof EncodingLimits, initial: number, parse: (text: string) => number | string): void {
  for (const name of names) {
    registerConfig({
      names: [name],
      initial,
      parse,
      bind: {
        get: (engine: Engine) => String(engine.encodingLimits[field]),
        set: (engine: Engine, value: number) => {
          engine.encodingLimits[field] = value;
        },
      },
    });
  }
}

/** Registers the encoding thresholds with CONFIG (a call, not a bare import: the package declares `sideEffects: false`). */
export function registerEncodingConfig(): void {
  threshold(["hash-max-listpack-entries", "hash-max-ziplist-entries"], "hashEntries", 512, sizeT);
  threshold(["hash-max-listpack-value", "hash-max-ziplist-value"], "hashValue", 64, memory);
  threshold(["zset-max-listpack-entries", "zset-max-ziplist-entries"], "zsetEntries", 128, sizeT);
  threshold(["zset-max-listpack-value", "zset-max-ziplist-value"], "zsetValue", 64, memory);
  threshold(["set-max-intset-entries"], "intsetEntries", 512, sizeT);
  threshold(["list-max-listpack-size", "list-max-ziplist-size"], "listSize", -2, int(INT_MIN));
  threshold(["list-compress-depth"], "listCompress", 0, int(0));
  // Stream macro nodes (stream.ts): a size_t memory config and a long long 0..LLONG_MAX, whose errors are sizeT's.
  threshold(["stream-node-max-bytes"], "streamNodeBytes", 4096, memory);
  threshold(["stream-node-max-entries"], "streamNodeEntries", 100, sizeT);
}
