/**
 * Per-process counters of one `Cache` object. They count what this process saw, not what
 * Redis holds: another process's hits are not here, and `clear()` does not reset them.
 */

/** What `cache.stats()` returns: a snapshot of this Cache object's counters. */
export interface CacheStatsSnapshot {
  /** Lookups that found an entry (fresh or stale). */
  readonly hits: number;
  /** Hits answered by the local tier, without Redis (subset of `hits`). */
  readonly localHits: number;
  /** Lookups that found nothing (or found an entry that could not be decoded). */
  readonly misses: number;
  /** Hits that were served stale while a refresh ran (subset of `hits`). */
  readonly stale: number;
  /** Entries written (each key of a `setMany` counts). */
  readonly writes: number;
  /** Redis or codec failures seen, including those a fail-open call absorbed. */
  readonly errors: number;
  /** `hits / (hits + misses)`, or 0 before the first lookup. */
  readonly hitRate: number;
}

/** Mutable counters behind `cache.stats()`. */
export class CacheStats {
  hits = 0;
  localHits = 0;
  misses = 0;
  stale = 0;
  writes = 0;
  errors = 0;

  snapshot(): CacheStatsSnapshot {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      localHits: this.localHits,
      misses: this.misses,
      stale: this.stale,
      writes: this.writes,
      errors: this.errors,
      hitRate: lookups === 0 ? 0 : this.hits / lookups,
    };
  }

  reset(): void {
    this.hits = this.localHits = this.misses = this.stale = this.writes = this.errors = 0;
  }
}
