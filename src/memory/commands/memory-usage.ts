/**
 * MEMORY USAGE key [SAMPLES count]: the engine's own estimate of the bytes a key takes
 * (memory-size.ts, the figure INFO memory's `used_memory` adds up), with Redis 7.0's argument
 * checks; nil for a missing key. The number is the JavaScript heap estimate, not Redis's
 * jemalloc figure: only its presence and rough size are comparable.
 */
import { command, keyAt } from "../command";
import { fail, NOT_INTEGER, SYNTAX } from "../errors";
import { is } from "../bytes";
import { elementCount, estimateKeyBytes, sampleElementBytes } from "../memory-size";

export const memoryCommand = command("memory", -2, () => null, {
  subcommands: [
    command("memory|usage", -3, (ctx) => {
      for (let j = 3; j < ctx.argv.length; j += 2) {
        if (!is(ctx.argv[j], "samples") || j + 1 >= ctx.argv.length) fail(SYNTAX);
        const text = ctx.argv[j + 1]!.toString("latin1");
        if (!/^-?\d+$/.test(text)) fail(NOT_INTEGER);
        if (Number(text) < 0) fail(SYNTAX);
      }
      const key = keyAt(ctx, 2);
      const value = ctx.db.peek(key); // as OBJECT: no LRU touch
      if (!value) return null;
      // Containers: the element average from at most SAMPLES elements, as INFO's accounting does.
      const avg = value.type === "string" || elementCount(value) === 0 ? 0 : sampleElementBytes(value);
      return estimateKeyBytes(key, value, avg);
    }),
  ],
});
