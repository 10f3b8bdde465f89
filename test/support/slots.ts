/** Cluster-slot helpers for tests that need keys in different slots. */
import calculateSlot from "cluster-key-slot";
import type { Database } from "../../src/database";

/** A container name starting with `base` whose key hashes to a different slot than `key`. */
export function otherSlotName(db: Database, key: string, base: string): string {
  const slot = calculateSlot(key);
  for (let i = 0; ; i++) {
    const name = `${base}:${i}`;
    if (calculateSlot(db.keys.container(name)) !== slot) return name;
  }
}
