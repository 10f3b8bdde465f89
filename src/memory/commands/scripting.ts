/**
 * EVAL, EVALSHA, SCRIPT LOAD/EXISTS/FLUSH: argument checks here, execution delegated to the
 * injected {@link ScriptingHost} (protocol.ts). Commands a script runs go through
 * `Engine.dispatchInScript` on a session of their own (RESP2, the caller's database; SELECT
 * inside a script does not change the caller's database, as in Redis 7).
 */
import { is } from "../bytes";
import type { Ctx } from "../command";
import { command } from "../command";
import { fail, SYNTAX } from "../errors";
import { int } from "../numbers";
import { ErrorReply, StatusReply } from "../protocol";
import type { Reply, ScriptCall, ScriptingHost } from "../protocol";

export const NO_SCRIPTING = "ERR scripting is not available: this embedded engine was created without a Lua host";

function host(ctx: Ctx): ScriptingHost {
  const h = ctx.engine.scripting;
  if (!h) fail(NO_SCRIPTING);
  return h;
}

function evalArgs(ctx: Ctx): { keys: Buffer[]; args: Buffer[] } {
  const numkeys = int(ctx.argv[2]);
  if (numkeys > ctx.argv.length - 3) fail("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) fail("ERR Number of keys can't be negative");
  return { keys: ctx.argv.slice(3, 3 + numkeys), args: ctx.argv.slice(3 + numkeys) };
}

function scriptCall(ctx: Ctx): ScriptCall {
  const session = { id: ctx.session.id, db: ctx.session.db, protocol: 2 as const };
  return (argv) => ctx.engine.dispatchInScript(session, argv);
}

export const scriptingCommands = [
  command("eval", -3, (ctx) => {
    const h = host(ctx);
    const { keys, args } = evalArgs(ctx);
    return h.evalBody(ctx.argv[1]!, keys, args, scriptCall(ctx));
  }),
  command("evalsha", -3, (ctx) => {
    const h = host(ctx);
    const { keys, args } = evalArgs(ctx);
    return h.evalSha(ctx.argv[1]!.toString("latin1").toLowerCase(), keys, args, scriptCall(ctx));
  }),
  command("script", -2, () => null, {
    noscript: true,
    subcommands: [
      command("script|load", 3, (ctx): Reply => {
        const sha = host(ctx).load(ctx.argv[2]!);
        return sha instanceof ErrorReply ? sha : Buffer.from(sha);
      }),
      command("script|exists", -3, (ctx) => {
        const h = host(ctx);
        return ctx.argv.slice(2).map((sha) => (h.exists(sha.toString("latin1").toLowerCase()) ? 1 : 0));
      }),
      command("script|flush", -2, (ctx) => {
        if (ctx.argv.length > 3 || (ctx.argv.length === 3 && !is(ctx.argv[2], "sync") && !is(ctx.argv[2], "async"))) fail(SYNTAX);
        host(ctx).flush();
        return new StatusReply("OK");
      }),
    ],
  }),
];
