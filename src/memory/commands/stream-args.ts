/** Shared parts of the stream commands: typed lookup, entry replies, and XADD/XTRIM's trimming options (streamParseAddOrTrimArgsOrReply). */
import { is } from "../bytes";
import type { Ctx } from "../command";
import { keyAt } from "../command";
import { fail, NOT_INTEGER, SYNTAX } from "../errors";
import { parseBigInt } from "../numbers";
import type { Reply } from "../protocol";
import type { Entry, Stream, TrimStrategy } from "../stream";
import { idBytes, INVALID_ID, tryParseId } from "../stream-id";
import type { StreamId } from "../stream-id";

/** The stream at argv[i] (undefined when missing, WRONGTYPE for another type). */
export function streamAt(ctx: Ctx, i = 1): Stream | undefined {
  return ctx.db.get(keyAt(ctx, i), "stream");
}

/** `[id, [field, value, …]]`. */
export function entryReply(e: Entry): Reply {
  return [idBytes(e.id), e.fields as Buffer[]];
}

/** A signed 64-bit argument as bigint, or `ERR value is not an integer or out of range` (or `message`). */
export function int64(arg: Buffer | undefined, message = NOT_INTEGER): bigint {
  const n = arg === undefined ? undefined : parseBigInt(arg);
  if (n === undefined) fail(message);
  return n;
}

export interface AddTrimArgs {
  /** Position of the ID argument (XADD). */
  readonly idPos: number;
  /** The explicit ID, unless `*`. */
  readonly id: StreamId | undefined;
  /** False for `<ms>-*`. */
  readonly seqGiven: boolean;
  readonly noMkStream: boolean;
  readonly strategy: TrimStrategy | undefined;
  readonly approx: boolean;
  /** Maximum entries to trim, 0 = no limit. */
  readonly limit: number;
}

const INCOMPATIBLE = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";

/** Parses `[MAXLEN|MINID [=|~] n] [LIMIT n] [NOMKSTREAM] <id|*>` (XADD) or the trimming options (XTRIM), in Redis's order. */
export function parseAddOrTrim(ctx: Ctx, xadd: boolean): AddTrimArgs {
  const argv = ctx.argv;
  let strategy: TrimStrategy | undefined;
  let approx = false;
  let limit = 0n;
  let limitGiven = false;
  let noMkStream = false;
  let id: StreamId | undefined;
  let seqGiven = true;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    const exactly = (b: Buffer | undefined, c: string) => b !== undefined && b.length === 1 && b[0] === c.charCodeAt(0);
    if (xadd && exactly(opt, "*")) break;
    if ((is(opt, "maxlen") || is(opt, "minid")) && more) {
      if (strategy) fail(INCOMPATIBLE);
      approx = false;
      if (more >= 2 && exactly(argv[i + 1], "~")) {
        approx = true;
        i++;
      } else if (more >= 2 && exactly(argv[i + 1], "=")) i++;
      if (is(opt, "maxlen")) {
        const maxLen = int64(argv[i + 1]);
        if (maxLen < 0n) fail("ERR The MAXLEN argument must be >= 0.");
        strategy = { maxLen };
      } else {
        const parsed = tryParseId(argv[i + 1]!, 0n, true);
        if (!parsed) fail(INVALID_ID);
        strategy = { minId: parsed.id };
      }
      i++;
    } else if (is(opt, "limit") && more) {
      limit = int64(argv[i + 1]);
      if (limit < 0n) fail("ERR The LIMIT argument must be >= 0.");
      limitGiven = true;
      i++;
    } else if (xadd && is(opt, "nomkstream")) {
      noMkStream = true;
    } else if (xadd) {
      const parsed = tryParseId(opt, 0n, true, true);
      if (!parsed) fail(INVALID_ID);
      id = parsed.id;
      seqGiven = parsed.seqGiven;
      break;
    } else fail(SYNTAX);
  }
  if (limit !== 0n && !strategy) fail("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
  if (!xadd && !strategy) fail("ERR syntax error, XTRIM must be called with a trimming strategy");
  if (limitGiven) {
    if (!approx) fail("ERR syntax error, LIMIT cannot be used without the special ~ option");
  } else if (approx) {
    // Redis: 100 nodes' worth of `stream-node-max-entries`, the product wrapping as a C long long, then capped both ways.
    limit = BigInt.asIntN(64, 100n * BigInt(ctx.engine.encodingLimits.streamNodeEntries));
    if (limit <= 0n) limit = 10000n;
    if (limit > 1000000n) limit = 1000000n;
  } else limit = 0n;
  return { idPos: i, id, seqGiven, noMkStream, strategy, approx, limit: limit > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(limit) };
}
