/**
 * The cross-process computation lock of `lock: true`: SET NX PX with a random token; released
 * by the `cache-unlock` script (compare-and-delete), so a process whose lock expired never
 * deletes a lock someone else took since. How waiters wait (woken by invalidations, polling with
 * {@link pollDelay} only while invalidations cannot flow) is in memo-run.ts.
 */
import { randomBytes } from "node:crypto";
import { libraryScript } from "../lua/registry";
import type { Wire } from "./wire";

/** Options of `lock`. */
export interface LockOptions {
  /** Seconds the lock lives if its holder dies (default 10). */
  readonly ttl?: number;
  /** Seconds a waiter waits for the holder's result before computing itself (default 5). */
  readonly wait?: number;
}

export const DEFAULT_LOCK_TTL = 10;
export const DEFAULT_LOCK_WAIT = 5;

/** A lock that was taken: release it with {@link releaseLock}. */
export interface HeldLock {
  readonly key: string;
  readonly token: string;
}

/** Tries to take the lock once. SET NX PX. */
export async function tryLock(wire: Wire, key: string, ttlMs: number, timeoutMs: number | undefined): Promise<HeldLock | undefined> {
  const token = randomBytes(12).toString("base64url");
  const reply = await wire.deadline(wire.send("set", [key, token, "NX", "PX", ttlMs]), timeoutMs, "lock");
  return reply === "OK" ? { key, token } : undefined;
}

/** Releases a held lock if it is still ours. EVALSHA cache-unlock. */
export async function releaseLock(wire: Wire, lock: HeldLock, timeoutMs: number | undefined): Promise<void> {
  const run = wire.script(libraryScript("cache-unlock"), [lock.key], [lock.token]);
  await wire.deadline(run, timeoutMs, "unlock");
}

/** Sleeps for the `attempt`-th poll delay. */
export function pollDelay(attempt: number): Promise<void> {
  const base = Math.min(100, 5 * 1.5 ** attempt);
  const ms = base * (0.75 + Math.random() * 0.5);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
