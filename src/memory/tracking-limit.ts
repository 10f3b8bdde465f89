/**
 * `tracking-table-max-keys` for CLIENT TRACKING (tracking.ts), as Redis 7.0's
 * trackingLimitUsedSlots: over the limit, keys are forgotten — each one invalidated for the
 * clients that read it, as if it changed — with an effort of 100 keys per run times the runs
 * that ended still over. Redis picks the keys by a random walk of its table; here the oldest go first.
 */

/** One run over `table` (key → reader ids); `forget` invalidates and removes a key. Returns the new count of runs that ended over the limit. */
export function limitTable(table: ReadonlyMap<string, unknown>, maxKeys: number, overLimitRuns: number, forget: (key: string) => void): number {
  if (maxKeys === 0 || table.size <= maxKeys) return 0;
  let effort = 100 * (overLimitRuns + 1);
  for (const key of table.keys()) {
    if (effort-- <= 0) break;
    forget(key);
    if (table.size <= maxKeys) return 0;
  }
  return overLimitRuns + 1;
}
