/** Random picks shared by SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER. */

/** `count` distinct random items (all of them, in order, when count ≥ size). */
export function pickDistinct<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  const copy = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

/** `count` random items with repetition. */
export function pickWithRepeats<T>(items: readonly T[], count: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(items[Math.floor(Math.random() * items.length)]!);
  return out;
}
