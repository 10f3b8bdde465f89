/** Cluster-slot helpers for tests that need keys in different slots. */
import { keySlot } from "../../src/slot";
import type { Database } from "../../src/database";

/** A container name starting with `base` whose key hashes to a different slot than `key`. */
export function otherSlotName(db: Database, key: string, base: string): string {
  const slot = keySlot(key);
  for (let i = 0; ; i++) {
    const name = `${base}:${i}`;
    if (keySlot(db.keys.container(name)) !== slot) return name;
  }
}
