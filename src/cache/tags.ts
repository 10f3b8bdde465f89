/**
 * Tags: each tag is a Redis set of entry keys at `<prefix>:<namespace>:#tag:<tag>`.
 *
 * Cluster-safe by construction: a tag set and the entries it lists usually live in
 * different slots, so no command ever touches both. Writing an entry with tags sends the
 * entry's SET and one `cache-tag-add` script per tag (a single-key script) concurrently, on
 * one connection: one round trip. `invalidateTags` pops up to 1,000 members from every tag
 * set (SPOP with a count: atomic per set, so a key added meanwhile is either popped now or
 * stays for the next invalidation), then UNLINKs those entries grouped by slot, and repeats
 * until the sets are empty: two round trips per batch.
 *
 * Consistency: invalidation is not a barrier for computations already running. A value
 * computed before `invalidateTags` and written after it survives, still recorded under its
 * tags (the next invalidation removes it) and bounded by its TTL. Tag sets live as long as
 * their longest-lived member; members whose entries expired stay in the set until the tag is
 * invalidated or the set itself expires.
 */
import { libraryScript } from "../lua/registry";
import type { KeySpace } from "../keys";
import { ValidationError } from "../errors";
import { requireWellFormed } from "../validate";
import type { Wire } from "./wire";

const BATCH = 1000;

/** Checks a tag list: non-empty well-formed strings (a tag is the last segment of its set's key). */
export function checkTags(tags: unknown, path = "tags"): readonly string[] {
  if (!Array.isArray(tags)) throw new ValidationError({ path, message: "must be an array of strings" });
  tags.forEach((t, i) => {
    if (typeof t !== "string" || t === "") throw new ValidationError({ path: `${path}[${i}]`, message: "must be a non-empty string" });
    requireWellFormed(`${path}[${i}]`, t);
  });
  return tags as readonly string[];
}

export class TagIndex {
  constructor(
    private readonly wire: Wire,
    private readonly keys: KeySpace,
    private readonly namespace: string,
  ) {}

  /** The Redis key of a tag's set. */
  keyOf(tag: string): string {
    return this.keys.cacheTag(this.namespace, tag);
  }

  /** Records `entryKey` under each tag (one single-key script per tag, sent concurrently). */
  add(tags: readonly string[], entryKey: string, ttlMs: number): Promise<unknown> {
    const script = libraryScript("cache-tag-add");
    return Promise.all(
      [...new Set(tags)].map((tag) => {
        const key = this.keyOf(tag);
        return this.wire.script(script, [key], [ttlMs, entryKey]);
      }),
    );
  }

  /**
   * Removes every entry recorded under any of `tags`, and the tag sets; resolves how many entries
   * existed. `evict` is told each batch of entry keys before and after they are unlinked (local tier).
   */
  async invalidate(tags: readonly string[], evict?: (keys: readonly string[]) => void): Promise<number> {
    let pending = [...new Set(tags)].map((t) => this.keyOf(t));
    let removed = 0;
    while (pending.length > 0) {
      const pops = await Promise.all(pending.map((key) => this.wire.send("spop", [key, BATCH]) as Promise<string[] | null>));
      const members = new Set<string>();
      const again: string[] = [];
      pops.forEach((popped, i) => {
        const list = popped ?? [];
        for (const m of list) members.add(Buffer.isBuffer(m) ? (m as Buffer).toString("utf8") : String(m));
        if (list.length === BATCH) again.push(pending[i]!);
      });
      const keys = [...members];
      evict?.(keys);
      removed += await this.wire.unlink(keys);
      evict?.(keys); // again: a read that ran between the first eviction and the UNLINK may have kept a copy
      pending = again;
    }
    return removed;
  }
}
