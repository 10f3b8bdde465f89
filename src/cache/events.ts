/**
 * Observability: `node:diagnostics_channel` channels the cache publishes on, for an
 * OpenTelemetry instrumentation, a metrics exporter or a logger to subscribe to:
 *
 * | channel | message |
 * |---|---|
 * | `narwhal:cache:hit` | `{ key, name?, tier: "local" \| "redis", status: "hit" \| "stale" }` |
 * | `narwhal:cache:miss` | `{ key, name? }` |
 * | `narwhal:cache:stale` | `{ key, name?, reason: "swr" \| "grace" \| "soft-timeout" \| "hard-timeout" \| "backoff" }` |
 * | `narwhal:cache:refresh` | `{ key, name?, reason: "stale" \| "eager" \| "soft-timeout" }` |
 * | `narwhal:cache:factory-error` | `{ key, name?, error }` |
 * | `narwhal:cache:redis-error` | `{ key?, name?, operation, error }` |
 * | `narwhal:cache:invalidate` | `{ prefix, keys: string[] \| null }` (from Redis, null = flush) |
 * | `narwhal:cache:tracking` | `{ prefix, state: "up" \| "down" \| "unavailable", reason? }` |
 *
 * With no subscriber a publication costs one `hasSubscribers` check: the message object is
 * built only when someone listens (`npm run bench -- cache-local` measures it).
 */
import { channel } from "node:diagnostics_channel";
import type { Channel } from "node:diagnostics_channel";

export const EVENTS = {
  hit: channel("narwhal:cache:hit"),
  miss: channel("narwhal:cache:miss"),
  stale: channel("narwhal:cache:stale"),
  refresh: channel("narwhal:cache:refresh"),
  factoryError: channel("narwhal:cache:factory-error"),
  redisError: channel("narwhal:cache:redis-error"),
  invalidate: channel("narwhal:cache:invalidate"),
  tracking: channel("narwhal:cache:tracking"),
} as const;

/** Names of the channels (for `diagnostics_channel.subscribe(name, fn)`). */
export const CACHE_CHANNELS = {
  hit: "narwhal:cache:hit",
  miss: "narwhal:cache:miss",
  stale: "narwhal:cache:stale",
  refresh: "narwhal:cache:refresh",
  factoryError: "narwhal:cache:factory-error",
  redisError: "narwhal:cache:redis-error",
  invalidate: "narwhal:cache:invalidate",
  tracking: "narwhal:cache:tracking",
} as const;

/** Publishes `message()` on `ch` when someone listens (the message is not even built otherwise). */
export function emit(ch: Channel, message: () => unknown): void {
  if (ch.hasSubscribers) ch.publish(message());
}
