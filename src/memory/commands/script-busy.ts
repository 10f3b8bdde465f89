/**
 * The engine while a script runs past `lua-time-limit` (Redis 7.0's "busy script" state): the
 * script gives the event loop turns (lua/script-runner.ts), and every command from any client
 * answers `-BUSY …` except the few Redis flags ALLOW_BUSY (SCRIPT KILL, FUNCTION KILL/STATS,
 * SHUTDOWN, AUTH, HELLO, MULTI, DISCARD, WATCH, UNWATCH, RESET, QUIT).
 */
import { ErrorReply, type Reply, type RunningScript } from "../protocol";
import type { ClientState } from "../command";
import { unwatchAll } from "../transactions-state";

export const BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
export const BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
export const NOTBUSY = "NOTBUSY No scripts in execution right now.";
export const UNKILLABLE =
  "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";

const ALLOW_BUSY = new Set(["auth", "hello", "multi", "discard", "watch", "unwatch", "reset", "quit", "shutdown", "replconf"]);
const ALLOW_BUSY_SUB: Record<string, Set<string>> = { script: new Set(["kill"]), function: new Set(["kill", "stats"]) };

/** What a running script has done so far that matters to SCRIPT KILL. */
export interface ScriptEffects {
  /** A write command ran (Redis's SCRIPT_WRITE_DIRTY): SCRIPT KILL answers UNKILLABLE. */
  wrote: boolean;
  /** EVAL_RO / EVALSHA_RO, or a `#!lua flags=no-writes` script: write commands are refused. */
  readonly readOnly: boolean;
}

/** The script the engine is busy with. */
export class BusyScript {
  constructor(
    readonly run: RunningScript,
    readonly effects: ScriptEffects,
    /** EVAL/EVALSHA, or FCALL: which KILL may end it and which BUSY text others get. */
    readonly kind: "eval" | "function",
    /** For FUNCTION STATS: the function's name, the command that runs it, when it started. */
    readonly detail?: { readonly name: string; readonly argv: readonly Buffer[]; readonly started: number },
  ) {}

  /** The BUSY error for `argv`, or undefined when the command may run now. */
  refuse(argv: readonly Buffer[]): ErrorReply | undefined {
    const name = argv[0]?.toString("latin1").toLowerCase() ?? "";
    if (ALLOW_BUSY.has(name)) return undefined;
    const subs = ALLOW_BUSY_SUB[name];
    if (subs && subs.has(argv[1]?.toString("latin1").toLowerCase() ?? "")) return undefined;
    return new ErrorReply(this.kind === "eval" ? BUSY_EVAL : BUSY_FUNCTION);
  }

  /** SCRIPT KILL (`kind` "eval") or FUNCTION KILL ("function"): Redis's checks and replies. */
  kill(kind: "eval" | "function"): Reply {
    if (this.effects.wrote) return new ErrorReply(UNKILLABLE);
    if (kind !== this.kind) return new ErrorReply(this.kind === "eval" ? BUSY_EVAL : BUSY_FUNCTION);
    this.run.kill();
    return null;
  }
}

/**
 * Commands (and subcommands, `xgroup|create`) Redis 7.0 flags `write`: one of them inside a
 * script makes it unkillable; read-only scripts refuse them. Taken from redis-server 7.0.15's COMMAND.
 */
export const WRITE_COMMANDS = new Set(
  (
    "append bitfield bitop blmove blmpop blpop brpop brpoplpush bzmpop bzpopmax bzpopmin copy decr decrby del expire expireat " +
    "flushall flushdb geoadd georadius georadiusbymember geosearchstore getdel getex getset hdel hincrby hincrbyfloat hmset hset " +
    "hsetnx incr incrby incrbyfloat linsert lmove lmpop lpop lpush lpushx lrem lset ltrim migrate move mset msetnx persist pexpire " +
    "pexpireat pfadd pfdebug pfmerge psetex rename renamenx restore restore-asking rpop rpoplpush rpush rpushx sadd sdiffstore set " +
    "setbit setex setnx setrange sinterstore smove sort spop srem sunionstore swapdb unlink xack xadd xautoclaim xclaim xdel " +
    "xgroup|create xgroup|createconsumer xgroup|delconsumer xgroup|destroy xgroup|setid xreadgroup xsetid xtrim zadd zdiffstore " +
    "zincrby zinterstore zmpop zpopmax zpopmin zrangestore zrem zremrangebylex zremrangebyrank zremrangebyscore zunionstore"
  ).split(" "),
);

/** Flagged `may-replicate` (hidden from COMMAND's output): read-only scripts refuse them too, but they do not make a script unkillable. */
const MAY_REPLICATE = new Set(["publish", "spublish", "pfcount"]);

export const READONLY_SCRIPT_WRITE = "ERR Write commands are not allowed from read-only scripts.";

/** Whether a read-only script (`#!lua flags=no-writes`, EVAL_RO) must refuse command `name` (a spec name). */
export function refusedInReadOnlyScript(name: string): boolean {
  return WRITE_COMMANDS.has(name) || MAY_REPLICATE.has(name);
}

/**
 * The BUSY error for `argv` (undefined: it may run). As Redis's rejectCommand, a refusal inside
 * MULTI flags the transaction, and a refused EXEC discards it ("EXECABORT Transaction discarded
 * because of: BUSY …").
 */
export function refuseBusy(busy: BusyScript, argv: readonly Buffer[], client: ClientState | undefined): ErrorReply | undefined {
  const refused = busy.refuse(argv);
  if (!refused || !client?.multi) return refused;
  if (argv[0]!.toString("latin1").toLowerCase() === "exec") {
    client.multi = null;
    client.multiError = false;
    unwatchAll(client);
    return new ErrorReply(`EXECABORT Transaction discarded because of: ${refused.message}`);
  }
  client.multiError = true;
  return refused;
}
