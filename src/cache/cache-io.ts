/**
 * The single-entry I/O of a {@link Cache} that memo.ts, many.ts and the raw API share: GET and
 * decode (through the local tier when there is one: GET + PTTL, see local-tier.ts), encode and
 * SET [PX], and the error policy of the raw API (reject, or with `failOpen` report and resolve a
 * fallback).
 */
import type { Arg } from "../command";
import { ValidationError } from "../errors";
import { toInteger } from "../reply";
import type { CacheCore } from "./cache-core";
import type { Envelope } from "./envelope";
import { decodeEnvelope, encodeEnvelope } from "./envelope";
import type { LocalTier } from "./local-tier";

/** Reads and decodes one entry; nil → undefined. Rejects with mapped Redis errors and CodecError. GET (batched into MGET per tick). */
export function readEntry<V>(cache: CacheCore<V>, redisKey: string, timeout: number | undefined): Promise<Envelope<V> | undefined> {
  return new Promise((resolve, reject) => {
    cache.wire.get(
      redisKey,
      timeout,
      (raw) => {
        try {
          resolve(decodeEnvelope(cache.codec, raw));
        } catch (error) {
          reject(error);
        }
      },
      reject,
    );
  });
}

/** GET (and PTTL) through a local tier, keeping the value locally when nothing spoiled the read (local-tier.ts). */
export function readThroughTier<V>(cache: CacheCore<V>, redisKey: string, tier: LocalTier<V>, timeout: number | undefined): Promise<Envelope<V> | undefined> {
  return tier.readThrough(redisKey, () => readEntry(cache, redisKey, timeout), () => cache.wire.send("pttl", [redisKey]).then(toInteger, () => -2));
}

/** Encodes and writes one entry (`bytes`: already encoded); local copies are evicted around it. SET [PX]. */
export function writeEntry<V>(cache: CacheCore<V>, redisKey: string, value: V, ttl: number, timeout: number | undefined, bytes?: Buffer | string): Promise<unknown> {
  const args: Arg[] = [redisKey, bytes ?? encodeEnvelope(cache.codec, value)];
  if (ttl > 0) args.push("PX", ttl);
  cache.counters.writes++;
  return cache.wire.deadline(cache.evicting(redisKey, () => cache.wire.send("set", args)), timeout, "SET");
}

/** Runs a raw-API operation within `timeout`: rejects on failure, or (failOpen) reports and resolves `fallback`. ValidationErrors always reject. */
export async function guardedOperation<V, T>(cache: CacheCore<V>, timeout: number | undefined, operation: string, key: string | undefined, run: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await cache.wire.deadline(run(), timeout, operation.toUpperCase());
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const err = cache.report(error, key === undefined ? { operation } : { operation, key });
    if (cache.failOpen) return fallback;
    throw err;
  }
}
