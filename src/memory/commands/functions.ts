/**
 * Redis 7.0 Functions: FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL/HELP, FCALL and
 * FCALL_RO, with functions.c's argument checks, replies and error texts; the libraries and
 * their Lua live in the host's {@link FunctionHost} (lua/function-host.ts). FUNCTION DUMP's
 * payload is Redis's: one RDB_OPCODE_FUNCTION2 and the library code per library, then the RDB
 * version and the CRC-64, so dumps move between the engine and redis-server 7.0 both ways.
 */
import { Buffer } from "node:buffer";
import type { Ctx } from "../command";
import { command } from "../command";
import { fail } from "../errors";
import { globMatch } from "../glob";
import { ErrorReply, MapReply, SetReply, StatusReply, type FunctionHost, type Reply, type RestorePolicy } from "../protocol";
import { BadFormat, RdbReader, RdbWriter, verifyPayload } from "../rdb/format";
import { lzfDecompress } from "../rdb/lzf";
import { BUSY_EVAL, NOTBUSY, type ScriptEffects } from "./script-busy";
import { deniedByOom, host, runOptions, scriptCall, whileBusy, withFrozenKeyClock } from "./scripting";
import { OOM_ERROR } from "../maxmemory";
import { subcommandSyntax } from "./stream-groups";

const OK = new StatusReply("OK");
const RDB_OPCODE_FUNCTION2 = 245;
/** Redis 7.0 rc1/rc2's library record: name, engine, optional description, code without its metadata line. */
const RDB_OPCODE_FUNCTION = 246;

function functions(ctx: Ctx): FunctionHost {
  const f = host(ctx).functions;
  if (!f) fail("ERR Functions are not available: this engine's scripting host has none");
  return f;
}

const lower = (b: Buffer | undefined) => b?.toString("latin1").toLowerCase();
const bulk = (s: string) => Buffer.from(s, "latin1");

function load(ctx: Ctx): Reply {
  let replace = false;
  let at = 2;
  while (at < ctx.argv.length - 1) {
    const arg = ctx.argv[at++]!;
    if (lower(arg) === "replace") replace = true;
    else return new ErrorReply(`ERR Unknown option given: ${arg.toString("latin1")}`);
  }
  if (at >= ctx.argv.length) return new ErrorReply("ERR Function code is missing");
  const name = functions(ctx).load(ctx.argv[at]!, replace);
  return name instanceof ErrorReply ? name : bulk(name);
}

function list(ctx: Ctx): Reply {
  let withCode = false;
  let pattern: Buffer | undefined;
  for (let i = 2; i < ctx.argv.length; i++) {
    const arg = lower(ctx.argv[i]);
    if (!withCode && arg === "withcode") withCode = true;
    else if (!pattern && arg === "libraryname") {
      if (i >= ctx.argv.length - 1) return new ErrorReply("ERR library name argument was not given");
      pattern = ctx.argv[++i]!;
    } else return new ErrorReply(`ERR Unknown argument ${ctx.argv[i]!.toString("latin1")}`);
  }
  const out: Reply[] = [];
  for (const lib of functions(ctx).libraries()) {
    if (pattern && !globMatch(pattern, bulk(lib.name), true)) continue;
    const fns = lib.functions.map(
      (fn) =>
        new MapReply([
          [bulk("name"), bulk(fn.name)],
          [bulk("description"), fn.description],
          [bulk("flags"), new SetReply(fn.flagNames.map((f) => new StatusReply(f)))],
        ]),
    );
    const entries: Array<[Reply, Reply]> = [
      [bulk("library_name"), bulk(lib.name)],
      [bulk("engine"), bulk("LUA")],
      [bulk("functions"), fns],
    ];
    if (withCode) entries.push([bulk("library_code"), lib.code]);
    out.push(new MapReply(entries));
  }
  return out;
}

function dump(ctx: Ctx): Reply {
  const w = new RdbWriter();
  for (const lib of functions(ctx).libraries()) {
    w.byte(RDB_OPCODE_FUNCTION2);
    w.string(lib.code);
  }
  return w.payload();
}

/** The library codes of a FUNCTION DUMP payload (footer verified), or Redis's error text. */
function payloadCodes(data: Buffer): Buffer[] | string {
  const r = new RdbReader(data);
  const codes: Buffer[] = [];
  const str = () => r.string(lzfDecompress);
  try {
    while (data.length - r.at > 10) {
      const type = r.byte();
      if (type === RDB_OPCODE_FUNCTION2) codes.push(str());
      else if (type === RDB_OPCODE_FUNCTION) {
        const name = str();
        const engine = str();
        if (r.length()) str(); // the description, dropped by Redis too
        codes.push(Buffer.concat([bulk(`#!${engine.toString("latin1")} name=${name.toString("latin1")}\n`), str()]));
      } else return "given type is not a function";
    }
  } catch (error) {
    if (error instanceof BadFormat) return "failed loading the given functions payload";
    throw error;
  }
  return codes;
}

function restore(ctx: Ctx): Reply {
  if (ctx.argv.length > 4) subcommandSyntax(ctx);
  let policy: RestorePolicy = "append";
  if (ctx.argv.length === 4) {
    const p = lower(ctx.argv[3]);
    if (p !== "append" && p !== "replace" && p !== "flush") {
      return new ErrorReply("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
    policy = p;
  }
  const data = ctx.argv[2]!;
  if (!verifyPayload(data)) return new ErrorReply("ERR DUMP payload version or checksum are wrong");
  const codes = payloadCodes(data);
  if (typeof codes === "string") return new ErrorReply(`ERR ${codes}`);
  return functions(ctx).restore(codes, policy) ?? OK;
}

function stats(ctx: Ctx): Reply {
  const busy = ctx.engine.busyScript;
  if (busy && busy.kind === "eval") return new ErrorReply(BUSY_EVAL);
  const running = busy?.detail
    ? new MapReply([
        [bulk("name"), bulk(busy.detail.name)],
        [bulk("command"), [...busy.detail.argv]],
        [bulk("duration_ms"), Date.now() - busy.detail.started],
      ])
    : null;
  const libs = functions(ctx).libraries();
  const count = libs.reduce((n, lib) => n + lib.functions.length, 0);
  const lua = new MapReply([
    [bulk("libraries_count"), libs.length],
    [bulk("functions_count"), count],
  ]);
  return new MapReply([
    [bulk("running_script"), running],
    [bulk("engines"), new MapReply([[bulk("LUA"), lua]])],
  ]);
}

/** FCALL / FCALL_RO (fcallCommandGeneric). */
function fcall(readOnly: boolean) {
  return withFrozenKeyClock((ctx) => {
    const f = functions(ctx);
    const name = ctx.argv[1]!.toString("latin1");
    const fn = f.find(name);
    if (!fn) return new ErrorReply("ERR Function not found");
    const text = ctx.argv[2]!.toString("latin1");
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) return new ErrorReply("ERR Bad number of keys provided");
    const numkeys = Number(text);
    if (numkeys > ctx.argv.length - 3) return new ErrorReply("ERR Number of keys can't be greater than number of args");
    if (numkeys < 0) return new ErrorReply("ERR Number of keys can't be negative");
    if (deniedByOom(ctx, fn.flags)) return new ErrorReply(OOM_ERROR); // processCommand's gate, before the *_RO check
    if (readOnly && !fn.flags.noWrites) return new ErrorReply("ERR Can not execute a script with write flag using *_ro command.");
    const effects: ScriptEffects = { wrote: false, readOnly: readOnly || fn.flags.noWrites };
    const keys = ctx.argv.slice(3, 3 + numkeys);
    const args = ctx.argv.slice(3 + numkeys);
    const reply = f.call(name, keys, args, scriptCall(ctx, effects), runOptions(ctx));
    return whileBusy(ctx, reply, effects, "function", { name: fn.name, argv: ctx.argv, started: Date.now() });
  });
}

const HELP = [
  "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "LOAD [REPLACE] <FUNCTION CODE>",
  "    Create a new library with the given library name and code.",
  "DELETE <LIBRARY NAME>",
  "    Delete the given library.",
  "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
  "    Return general information on all the libraries:",
  "    * Library name",
  "    * The engine used to run the Library",
  "    * Library description",
  "    * Functions list",
  "    * Library code (if WITHCODE is given)",
  "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
  "STATS",
  "    Return information about the current function running:",
  "    * Function name",
  "    * Command used to run the function",
  "    * Duration in MS that the function is running",
  "    If no function is running, return nil",
  "    In addition, returns a list of available engines.",
  "KILL",
  "    Kill the current running function.",
  "FLUSH [ASYNC|SYNC]",
  "    Delete all the libraries.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the libraries.",
  "    * SYNC: Synchronously flush the libraries.",
  "DUMP",
  "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
  "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
  "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
  "    control how to handle existing libraries (default APPEND):",
  "    * FLUSH: delete all existing libraries.",
  "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
  "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
  "      libraries with the new libraries (notice that even on this option there is a chance of failure",
  "      in case of functions name collision with another library).",
  "HELP",
  "    Prints this help.",
];

export const functionCommands = [
  command("fcall", -3, fcall(false), { noscript: true }),
  command("fcall_ro", -3, fcall(true), { noscript: true }),
  command("function", -2, () => null, {
    noscript: true,
    subcommands: [
      command("function|load", -3, load),
      command("function|list", -2, list),
      command("function|delete", 3, (ctx) => (functions(ctx).delete(ctx.argv[2]!.toString("latin1")) ? OK : new ErrorReply("ERR Library not found"))),
      command("function|flush", -2, (ctx) => {
        if (ctx.argv.length > 3) subcommandSyntax(ctx);
        if (ctx.argv.length === 3 && lower(ctx.argv[2]) !== "sync" && lower(ctx.argv[2]) !== "async") {
          return new ErrorReply("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        functions(ctx).flush();
        return OK;
      }),
      command("function|dump", 2, dump),
      command("function|restore", -3, restore),
      command("function|stats", 2, stats),
      command("function|kill", 2, (ctx) => {
        const busy = ctx.engine.busyScript;
        if (!busy) return new ErrorReply(NOTBUSY);
        return busy.kill("function") ?? OK;
      }),
      command("function|help", 2, () => HELP.map((line) => new StatusReply(line))),
    ],
  }),
];
