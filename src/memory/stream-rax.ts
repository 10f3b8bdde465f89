/**
 * The number of nodes of the rax (rax.c) that holds a stream's macro nodes, keyed by their
 * master IDs as 16-byte big-endian strings: XINFO STREAM reports it as `radix-tree-nodes`.
 * Redis's rax stays maximally compressed through inserts and deletes, so the count is that of
 * the compressed radix tree of the keys: a compressed node per shared run of bytes, a
 * branching node where keys part, a leaf per key, and the root (1 for an empty tree).
 */

function byteAt(key: bigint, d: number): number {
  return Number((key >> BigInt(8 * (15 - d))) & 0xffn);
}

function count(keys: readonly bigint[], d: number): number {
  if (d === 16) return 1;
  let run = 0;
  while (d + run < 16) {
    const c = byteAt(keys[0]!, d + run);
    if (!keys.every((k) => byteAt(k, d + run) === c)) break;
    run++;
  }
  if (run > 0) return 1 + count(keys, d + run);
  const groups = new Map<number, bigint[]>();
  for (const k of keys) {
    const c = byteAt(k, d);
    const g = groups.get(c);
    if (g) g.push(k);
    else groups.set(c, [k]);
  }
  let n = 1;
  for (const g of groups.values()) n += count(g, d + 1);
  return n;
}

/** Nodes of a rax holding `keys` (128-bit stream IDs), root included. */
export function raxNodeCount(keys: readonly bigint[]): number {
  return keys.length === 0 ? 1 : count(keys, 0);
}
