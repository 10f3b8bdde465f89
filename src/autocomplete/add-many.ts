/**
 * The batching of `Autocomplete.addMany`: items encoded into batches of `batchSize`, each sent
 * as one autocomplete-write script call, with at most {@link MAX_IN_FLIGHT} calls pipelined.
 */
import type { Arg } from "../command";
import { invalid } from "./options";
import type { AddManyOptions } from "./options";

/** Script calls in flight at once: enough to hide the round trip, few enough to bound the queue. */
const MAX_IN_FLIGHT = 4;

/**
 * Encodes every item of `items` with `encode(item, index)` (which throws on a bad item: the
 * call rejects, earlier batches stay written) and sends each batch's ARGV with `send`.
 * Resolves with the number of items written.
 */
export async function writeInBatches<Item>(
  items: Iterable<Item> | AsyncIterable<Item>,
  encode: (item: Item, index: number) => Arg[],
  send: (ops: Arg[]) => Promise<unknown>,
  options: AddManyOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2000) invalid("batchSize", "must be an integer in 1..2000");
  const inFlight = new Set<Promise<unknown>>();
  let written = 0;
  let ops: Arg[] = [];
  let count = 0;
  let index = 0;
  const flush = async () => {
    if (count === 0) return;
    const n = count;
    const p = send(ops).then(() => {
      written += n;
      options.onProgress?.(written);
    });
    ops = [];
    count = 0;
    inFlight.add(p);
    p.then(() => inFlight.delete(p), () => undefined);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  };
  for await (const item of items) {
    for (const arg of encode(item, index)) ops.push(arg);
    index++;
    count++;
    if (count >= batchSize) await flush();
  }
  await flush();
  await Promise.all(inFlight);
  return written;
}
