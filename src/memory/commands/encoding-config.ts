/**
 * CONFIG GET/SET of Redis 7.0's encoding thresholds (encoding.ts), with its names, aliases,
 * built-in defaults, parsing and error texts (config.c): `hash-max-listpack-entries` (512) and
 * `hash-max-listpack-value` (64 bytes, a memory value: `1kb` is accepted), the same two for
 * `zset-` (128, 64), each with its `-ziplist-` alias; `set-max-intset-entries` (512);
 * `list-max-listpack-size` (alias `list-max-ziplist-size`, -2) and `list-compress-depth` (0),
 * which only CONFIG sees (7.0 lists are always `quicklist`). A new value applies from the next
 * write, as in Redis: existing containers are not converted by CONFIG SET.
 */
import type { Engine } from "../engine";
import type { EncodingLimits } from "../encoding";
import { parseMemory } from "../maxmemory";
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
function sizeT(text: string): number | string {
  const n = int64(text);
  if (n === undefined) return NOT_INTEGER;
  return n < 0n ? SIZE_RANGE : Number(n);
}

/** A size_t MEMORY_CONFIG (memtoull: digits with an optional b/k/kb/m/mb/g/gb unit, no sign). */
function memory(text: string): number | string {
  return parseMemory(text) ?? "argument must be a memory value";
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
}
