/** Shared parts of the blocking and multi-key pop commands: timeout and LMPOP/ZMPOP argument parsing, and "serve now or block". */
import { is } from "../bytes";
import type { Ctx } from "../command";
import { keyAt } from "../command";
import { fail, SYNTAX, TIMEOUT_NEGATIVE, TIMEOUT_NOT_FLOAT } from "../errors";
import { int, parseDouble } from "../numbers";
import type { Reply } from "../protocol";
import type { TypeName } from "../values";

/** Milliseconds (0 = block forever). */
export function timeoutMs(arg: Buffer): number {
  const seconds = parseDouble(arg);
  if (seconds === undefined || !Number.isFinite(seconds)) fail(TIMEOUT_NOT_FLOAT);
  const ms = Math.ceil(seconds * 1000);
  if (ms < 0) fail(TIMEOUT_NEGATIVE);
  return ms;
}

/** `key… timeout` of BLPOP/BRPOP/BZPOPMIN/BZPOPMAX: the keys and the timeout in ms (parsed first, as Redis does). */
export function parseKeysThenTimeout(ctx: Ctx): { keys: string[]; timeout: number } {
  const last = ctx.argv.length - 1;
  const timeout = timeoutMs(ctx.argv[last]!);
  const keys: string[] = [];
  for (let i = 1; i < last; i++) keys.push(keyAt(ctx, i));
  return { keys, timeout };
}

export interface MpopArgs<W> {
  readonly keys: string[];
  readonly where: W;
  readonly count: number;
  /** ms; 0 for the non-blocking forms. */
  readonly timeout: number;
}

/** `[timeout] numkeys key… <where> [COUNT n]` of LMPOP/BLMPOP/ZMPOP/BZMPOP, checked in Redis's order. */
export function parseMpop<W>(ctx: Ctx, numkeysIndex: number, blocking: boolean, where: (arg: Buffer | undefined) => W): MpopArgs<W> {
  const argv = ctx.argv;
  const numkeys = int(argv[numkeysIndex], "ERR numkeys should be greater than 0");
  if (numkeys < 1) fail("ERR numkeys should be greater than 0");
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) fail(SYNTAX);
  const w = where(argv[whereIndex]);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && is(argv[j], "count") && j + 1 < argv.length) {
      count = int(argv[++j], "ERR count should be greater than 0");
      if (count < 1) fail("ERR count should be greater than 0");
    } else fail(SYNTAX);
  }
  const timeout = blocking ? timeoutMs(argv[1]!) : 0;
  const keys: string[] = [];
  for (let i = numkeysIndex + 1; i < whereIndex; i++) keys.push(keyAt(ctx, i));
  return { keys, where: w, count: count === -1 ? 1 : count, timeout };
}

/**
 * Serves from the first of `keys` that can (WRONGTYPE on a key of another type, in order),
 * else answers nil when not blocking (or inside MULTI/scripts), else blocks until a push.
 */
export function serveOrBlock(ctx: Ctx, keys: readonly string[], type: TypeName, blocking: boolean, timeout: number, serve: (key: string) => Reply | undefined): Reply | Promise<Reply> {
  for (const key of keys) {
    if (ctx.db.get(key, type) === undefined) continue;
    const r = serve(key);
    if (r !== undefined) return r;
  }
  if (!blocking || ctx.nested) return null;
  return ctx.engine.blocking.block(ctx.session, ctx.db, keys, timeout, serve, null);
}
