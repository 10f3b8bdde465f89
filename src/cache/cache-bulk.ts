/**
 * The multi-key operations of the raw API (`getMany`, `setMany`), with the local tier: MGET
 * per slot for the keys not held locally (with their PTTLs in the same round trip, so local
 * copies never outlive Redis's), one MULTI of SET PX per slot for writes.
 */
import type { Arg } from "../command";
import { CodecError, CommandError, ValidationError } from "../errors";
import { toInteger, toNumber } from "../reply";
import type { Cache } from "./cache";
import type { Envelope } from "./envelope";
import { decodeEnvelope, encodeEnvelope } from "./envelope";
import type { LocalTier } from "./local-tier";
import type { SetManyEntries, SetOptions } from "./options";
import { checkKey, ttlMs } from "./options";

/** Entries of `redisKeys` in order (undefined: miss): local copies first, then one MGET (and PTTLs) per slot. */
export async function getManyEntries<V>(cache: Cache<V>, redisKeys: readonly string[], tier: LocalTier<V> | undefined): Promise<Array<Envelope<V> | undefined>> {
  const out = new Array<Envelope<V> | undefined>(redisKeys.length).fill(undefined);
  const wanted: number[] = [];
  redisKeys.forEach((key, i) => {
    const local = tier?.hit(key, cache.counters);
    if (local !== undefined) out[i] = local;
    else wanted.push(i);
  });
  if (wanted.length === 0) return out;
  const { wire, codec } = cache;
  await Promise.all(
    wire.bySlot(wanted, (i) => redisKeys[i]!).map(async (group) => {
      const keys = group.map((i) => redisKeys[i]!);
      const tickets = tier ? keys.map((k) => tier.begin(k)) : [];
      const sentAt = Date.now();
      const ttls = tier && tickets.some((t) => t !== undefined) ? Promise.all(keys.map((k) => wire.send("pttl", [k]).then(toInteger, () => -2))) : undefined;
      let replies: unknown[];
      try {
        replies = (await wire.send("mget", keys, true)) as unknown[];
      } catch (error) {
        tickets.forEach((t) => tier?.abandon(t));
        throw error;
      }
      const ms = ttls ? await ttls : [];
      group.forEach((index, j) => {
        let entry: Envelope<V> | undefined;
        try {
          entry = decodeEnvelope(codec, replies[j]);
        } catch (error) {
          tier?.abandon(tickets[j]);
          throw error;
        }
        if (tier) {
          const t = ms[j] ?? -2;
          tier.keep(tickets[j], entry, entry?.expiresAt ?? (t >= 0 ? sentAt + t : t === -1 ? undefined : 0));
        }
        if (entry) {
          cache.counters.hits++;
          out[index] = entry;
        } else cache.counters.misses++;
      });
    }),
  );
  return out;
}

/** `setMany`: one MULTI of SET [PX] per slot; resolves how many entries were written. */
export function setManyEntries<V>(
  cache: Cache<V>,
  entries: SetManyEntries<V>,
  fallbackTtl: number,
  guarded: (operation: string, run: () => Promise<number>) => Promise<number>,
): Promise<number> {
  const list: Array<readonly [string, V, SetOptions?]> =
    entries instanceof Map || Symbol.iterator in Object(entries)
      ? [...(entries as Iterable<readonly [string, V, SetOptions?]>)]
      : Object.entries(entries as Record<string, V>);
  const commands = list.map(([key, value, own], i) => {
    const args: Arg[] = [cache.keySpace.cacheKey(cache.namespace, checkKey(`entries[${i}]`, key), `entries[${i}]`), encodeEnvelope(cache.codec, value)];
    const ttl = ttlMs(`entries[${i}].ttl`, own?.ttl, fallbackTtl);
    if (ttl > 0) args.push("PX", ttl);
    return ["set", ...args] as [string, ...Arg[]];
  });
  if (commands.length === 0) return Promise.resolve(0);
  const keys = commands.map((c) => c[1] as string);
  return guarded("setMany", async () => {
    await cache.evicting(keys, () => Promise.all(cache.wire.bySlot(commands, (c) => c[1] as string).map((group) => cache.wire.multi(group))));
    cache.counters.writes += commands.length;
    return commands.length;
  });
}

/** `incr`: INCRBYFLOAT (+ PEXPIRE NX in one MULTI for a ttl); a key holding no number is a CodecError. */
export async function incrEntry<V>(cache: Cache<V>, key: string, redisKey: string, by: number, ttl: number): Promise<number> {
  const incr: [string, ...Arg[]] = ["incrbyfloat", redisKey, String(by)];
  let reply: unknown;
  try {
    reply = await cache.evicting(redisKey, async () => (ttl > 0 ? (await cache.wire.multi([incr, ["pexpire", redisKey, ttl, "NX"]]))[0] : await cache.wire.send(incr[0], incr.slice(1))));
  } catch (error) {
    if (error instanceof CommandError && /not a valid float/i.test(error.message)) {
      throw new CodecError("cache", `${JSON.stringify(key)} does not hold a number, so it cannot be incremented (${error.message})`, { cause: error });
    }
    throw error;
  }
  cache.counters.writes++;
  return toNumber(reply);
}

/** The Redis keys of raw keys `keys` (each checked). */
export function rawKeys<V>(cache: Cache<V>, keys: readonly string[]): string[] {
  if (!Array.isArray(keys)) throw new ValidationError({ path: "keys", message: "must be an array" });
  return keys.map((k, i) => cache.keySpace.cacheKey(cache.namespace, checkKey(`keys[${i}]`, k), `keys[${i}]`));
}

/** `getMany`: fills `out` with the values of `keys` (misses stay undefined). */
export async function getManyValues<V>(cache: Cache<V>, keys: readonly string[], out: Array<V | undefined>): Promise<Array<V | undefined>> {
  const redisKeys = rawKeys(cache, keys);
  if (redisKeys.length === 0) return out;
  const entries = await getManyEntries(cache, redisKeys, cache.local);
  entries.forEach((entry, i) => {
    if (entry) out[i] = entry.value;
  });
  return out;
}
