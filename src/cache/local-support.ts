/**
 * Which clients can host the local tier's invalidation connection (CLIENT TRACKING … REDIRECT
 * to a connection SUBSCRIBEd to `__redis__:invalidate`, see tracking-connection.ts).
 *
 * Valkey GLIDE cannot (test/integration/glide-blockers.test.ts pins each reason): it allows
 * pub/sub only on RESP3, where it drops the `invalidate` pushes CLIENT TRACKING sends, and it
 * reconnects without telling, so a connection whose tracking state is gone would go unnoticed
 * and stale local copies would be served. A GLIDE Database therefore refuses the local tiers
 * and `db.synced()` (whose mirrors are kept fresh the same way); the cache without `local`
 * works, and cache lock waiters poll instead of waiting for invalidations.
 */
import type { ClientLike } from "../client";
import { ValidationError } from "../errors";

/** Why `feature` (which needs CLIENT TRACKING invalidations) is refused on a Valkey GLIDE Database. */
export function glideNoTracking(feature: string): string {
  return `${feature} is not available on a Valkey GLIDE client: GLIDE allows pub/sub only on RESP3, where it drops the CLIENT TRACKING \`invalidate\` pushes ${feature} needs, and it reconnects without any event (the tracking state lost unnoticed); use an ioredis or node-redis client for a Database with ${feature}`;
}

/** Why the local tier is refused on a Valkey GLIDE Database. */
export const GLIDE_NO_LOCAL_TIER = glideNoTracking("the local tier");

/** True when `client` cannot host an invalidation connection (a GLIDE adapter). */
export function lacksTracking(client: ClientLike): boolean {
  return (client as { driver?: string }).driver === "glide";
}

/** Throws a ValidationError at `path` when a local tier is asked for on a client that cannot host one. */
export function assertLocalTier(client: ClientLike, path: string): void {
  if (lacksTracking(client)) throw new ValidationError({ path, message: GLIDE_NO_LOCAL_TIER });
}

/** Throws a ValidationError when `db.synced()` (mirrors kept fresh by invalidations) is asked for on a client that cannot host it. */
export function assertSynced(client: ClientLike): void {
  if (lacksTracking(client)) throw new ValidationError({ path: "connection", message: glideNoTracking("db.synced()") });
}
