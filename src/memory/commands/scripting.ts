/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT LOAD/EXISTS/FLUSH/KILL, SHUTDOWN: argument checks here, execution
 * delegated to the injected {@link ScriptingHost} (protocol.ts). Commands a script runs go
 * through `Engine.dispatchInScript` on a session of their own (RESP2, the caller's database;
 * SELECT inside a script does not change the caller's database, as in Redis 7).
 *
 * A script that runs past `lua-time-limit` (CONFIG SET, default 5000 ms) comes back from the
 * host as a {@link RunningScript}: the engine is then busy (script-busy.ts) until it settles,
 * other clients get BUSY, SCRIPT KILL ends it unless it wrote, SHUTDOWN NOSAVE ends the
 * process. Inside MULTI/EXEC a script runs synchronously (the host's hard limit bounds it).
 */
import { Buffer } from "node:buffer";
import { is } from "../bytes";
import type { Ctx } from "../command";
import { command } from "../command";
import { fail, SYNTAX } from "../errors";
import { int } from "../numbers";
import { ErrorReply, StatusReply } from "../protocol";
import type { Reply, RunningScript, ScriptCall, ScriptFlags, ScriptRunOptions, ScriptingHost } from "../protocol";
import { OOM_ERROR } from "../maxmemory";
import { configValue } from "./config";
import { BusyScript, NOTBUSY, READONLY_SCRIPT_WRITE, refusedInReadOnlyScript, WRITE_COMMANDS, type ScriptEffects } from "./script-busy";

export const NO_SCRIPTING = "ERR scripting is not available: this embedded engine was created without a Lua host";

export function host(ctx: Ctx): ScriptingHost {
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

/** redis.call's way into the engine; refuses writes in read-only scripts, notes writes (SCRIPT KILL's UNKILLABLE). */
export function scriptCall(ctx: Ctx, effects: ScriptEffects): ScriptCall {
  const session = { id: ctx.session.id, db: ctx.session.db, protocol: 2 as const };
  const check = (name: string): ErrorReply | undefined => {
    if (effects.readOnly && refusedInReadOnlyScript(name)) return new ErrorReply(READONLY_SCRIPT_WRITE);
    if (!effects.wrote && WRITE_COMMANDS.has(name)) effects.wrote = true;
    return undefined;
  };
  // EVAL/EVALSHA/FCALL (and _RO) all put numkeys at argv[2]: the keys CLIENT TRACKING remembers for a read inside the script.
  const n = Number(ctx.argv[2]?.toString("latin1"));
  const declared = Number.isSafeInteger(n) && n > 0 ? ctx.argv.slice(3, 3 + n) : [];
  return (argv) => ctx.engine.dispatchInScript(session, argv, check, declared);
}

/**
 * scriptPrepareForRun's OOM check: a script with flags (a shebang script, any function) that is
 * neither `allow-oom` nor `no-writes` is refused up front while the engine is over maxmemory.
 */
export function deniedByOom(ctx: Ctx, flags: ScriptFlags): boolean {
  const memory = ctx.engine.memory;
  return !flags.allowOom && !flags.noWrites && memory.limit > 0 && !memory.enforce();
}

/** Options for one run: may yield past lua-time-limit, except inside EXEC (nested), which needs the reply now. */
export function runOptions(ctx: Ctx): ScriptRunOptions {
  return { busyAfterMs: configValue(ctx.engine, "lua-time-limit"), sync: ctx.nested };
}

/** Marks the engine busy while a script that went past lua-time-limit runs; the reply when it ends. */
export function whileBusy(ctx: Ctx, reply: Reply | RunningScript, effects: ScriptEffects, kind: "eval" | "function", detail?: BusyScript["detail"]): Reply | Promise<Reply> {
  if (!(reply instanceof Promise)) return reply;
  const busy = new BusyScript(reply, effects, kind, detail);
  ctx.engine.busyScript = busy;
  return reply.finally(() => {
    if (ctx.engine.busyScript === busy) ctx.engine.busyScript = null;
  });
}

/**
 * EVAL, EVALSHA and their read-only twins (Redis 7.0's evalGenericCommand): the script is
 * loaded (EVAL) or looked up (EVALSHA), its shebang flags decide whether it may write, and
 * `EVAL_RO` refuses a script whose shebang does not say `no-writes`.
 */
function evalCommand(name: string, bySha: boolean, readOnly: boolean) {
  return command(name, -3, evalHandler(bySha, readOnly), { noscript: true });
}

function evalHandler(bySha: boolean, readOnly: boolean) {
  return withFrozenKeyClock(evalRun(bySha, readOnly));
}

/** Runs a script command with the key clock frozen at its start (Redis: keys expire by the script's start time while it runs). */
export function withFrozenKeyClock(run: (ctx: Ctx) => Reply | Promise<Reply>) {
  return (ctx: Ctx): Reply | Promise<Reply> => {
    const thaw = ctx.engine.freezeKeyClock();
    let reply: Reply | Promise<Reply>;
    try {
      reply = run(ctx);
    } catch (error) {
      thaw();
      throw error;
    }
    if (reply instanceof Promise) return reply.finally(thaw);
    thaw();
    return reply;
  };
}

function evalRun(bySha: boolean, readOnly: boolean) {
  return (ctx: Ctx): Reply | Promise<Reply> => {
    const h = host(ctx);
    const { keys, args } = evalArgs(ctx);
    const options = runOptions(ctx);
    if (!h.flags) {
      // A host without shebang support: every script runs in compatibility mode.
      const effects: ScriptEffects = { wrote: false, readOnly };
      const call = scriptCall(ctx, effects);
      const reply = bySha ? h.evalSha(ctx.argv[1]!.toString("latin1").toLowerCase(), keys, args, call, options) : h.evalBody(ctx.argv[1]!, keys, args, call, options);
      return whileBusy(ctx, reply, effects, "eval");
    }
    const loaded = bySha ? ctx.argv[1]!.toString("latin1").toLowerCase() : h.load(ctx.argv[1]!);
    if (loaded instanceof ErrorReply) return loaded;
    const flags = h.flags(loaded);
    if (!flags) return new ErrorReply("NOSCRIPT No matching script. Please use EVAL.");
    // processCommand's OOM gate (the flags make the script a denyoom command) comes before the *_RO check.
    if (flags.shebang && deniedByOom(ctx, flags)) return new ErrorReply(OOM_ERROR);
    if (readOnly && flags.shebang && !flags.noWrites) return new ErrorReply("ERR Can not execute a script with write flag using *_ro command.");
    const effects: ScriptEffects = { wrote: false, readOnly: readOnly || flags.noWrites };
    return whileBusy(ctx, h.evalSha(loaded, keys, args, scriptCall(ctx, effects), options), effects, "eval");
  };
}

export const scriptingCommands = [
  evalCommand("eval", false, false),
  evalCommand("evalsha", true, false),
  evalCommand("eval_ro", false, true),
  evalCommand("evalsha_ro", true, true),
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
      command("script|kill", 2, (ctx) => {
        const busy = ctx.engine.busyScript;
        if (!busy) return new ErrorReply(NOTBUSY);
        return busy.kill("eval") ?? new StatusReply("OK");
      }),
    ],
  }),
  command(
    "shutdown",
    -1,
    (ctx) => {
      const flags = ctx.argv.slice(1).map((a) => a.toString("latin1").toLowerCase());
      if (flags.some((f) => !["nosave", "save", "now", "force", "abort"].includes(f))) fail(SYNTAX);
      if (flags.includes("abort")) return new ErrorReply("ERR No shutdown in progress.");
      const busy = ctx.engine.busyScript;
      if (busy?.effects.wrote && !flags.includes("nosave")) {
        return new ErrorReply("UNKILLABLE Redis is busy running a script. You can only call SHUTDOWN NOSAVE.");
      }
      const shutdown = ctx.engine.onShutdown;
      if (!shutdown) return new ErrorReply("ERR Errors trying to SHUTDOWN. Check logs.");
      busy?.run.kill();
      shutdown();
      return new StatusReply("OK");
    },
    { noscript: true },
  ),
];
