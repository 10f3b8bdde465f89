/**
 * The internal contract of the embedded engine, shared by its three parts:
 *
 * - the command engine (keyspace, data types, MULTI/WATCH, expiry): implements {@link Dispatcher};
 * - the Lua host (fengari): runs EVAL scripts, calling back into a {@link Dispatcher};
 * - the RESP server (`narwhal serve`) and the ioredis-like facade: turn wire frames or
 *   client calls into `argv` arrays, and {@link Reply} values back into RESP2/RESP3 frames
 *   or ioredis-shaped JavaScript values.
 *
 * Replies are protocol-neutral: a double or a map is kept as such, and each consumer
 * renders it for its protocol (RESP2: a bulk string / a flat array; RESP3: `,` / `%`).
 */

/** `+OK`-style simple string reply. */
export class StatusReply {
  constructor(readonly value: string) {}
}

/** `-ERR …` reply. `message` starts with the error code, exactly as Redis writes it (e.g. `"WRONGTYPE Operation against a key holding the wrong kind of value"`). */
export class ErrorReply {
  constructor(readonly message: string) {}
}

/**
 * An error a script returns that a command inside it produced: INFO errorstats counted it
 * when the command answered it, so the script's reply is not counted again (Redis's
 * `ignore_error_stats_update`).
 */
export class CountedErrorReply extends ErrorReply {}

/** A double (ZSCORE, ZINCRBY, INCRBYFLOAT in RESP3…). RESP2 renders it as a bulk string the way Redis formats it. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/** A map (HGETALL, CONFIG GET, HELLO…). RESP2 renders it as a flat array. */
export class MapReply {
  constructor(readonly entries: ReadonlyArray<readonly [Reply, Reply]>) {}
}

/** A set (SMEMBERS, SINTER… in RESP3). RESP2 renders it as an array. */
export class SetReply {
  constructor(readonly items: readonly Reply[]) {}
}

/**
 * Any reply: integer (`number`, always an integer; a `bigint` for a 64-bit integer beyond
 * ±2^53, which a double cannot hold exactly: INCR, HINCRBY, BITFIELD), bulk string (`Buffer`), nil (`null`),
 * array (`Reply[]`, or `null` for a nil array where Redis sends `*-1`), or one of the classes above.
 */
export type Reply = number | bigint | Buffer | null | readonly Reply[] | StatusReply | ErrorReply | DoubleReply | MapReply | SetReply;

/** Per-connection state the engine keeps for one client. */
export interface Session {
  /** A unique, increasing client id (CLIENT ID). */
  readonly id: number;
  /** Selected database, 0–15. */
  db: number;
  /** Protocol negotiated with HELLO (2 unless HELLO 3). */
  protocol: 2 | 3;
  /** CLIENT SETNAME value. */
  name?: string;
}

/** Runs one command for a session. Most commands answer synchronously; blocking ones (BLPOP…) may return a promise. */
export interface Dispatcher {
  dispatch(session: Session, argv: readonly Buffer[]): Reply | Promise<Reply>;
  /** How the dispatcher reaches a session's client (CLIENT TRACKING invalidations, CLIENT KILL); see tracking.ts. */
  attachClient?(session: Session, endpoint: import("./tracking").ClientEndpoint): void;
  /** While a script runs past lua-time-limit: the BUSY error for a command the connection would answer itself (INFO, PUBLISH…). */
  refuseWhileBusy?(argv: readonly Buffer[], session?: Session): ErrorReply | undefined;
  /**
   * Inside MULTI, queues a command the caller answers itself (the RESP server's PUBLISH, INFO,
   * HELLO, SUBSCRIBE…, which the dispatcher does not know): `call.run()` runs at EXEC, in queue
   * order, and its reply takes the command's place in EXEC's array. An ErrorReply is a
   * queue-time error (arity, unknown subcommand): it is returned and EXEC answers EXECABORT.
   * Returns undefined when the session is not in MULTI (the caller runs the command now).
   */
  queueCall?(session: Session, call: QueuedCall | ErrorReply): Reply | undefined;
  /** What CLIENT LIST shows of a session's engine state (flags `t`, `B`, `R`, `d`; `redir=`). */
  describeClient?(session: Session): ClientDescription;
  /** @internal INFO commandstats of the commands the dispatcher ran (the RESP server adds its own commands' calls). */
  readonly commandStats?: import("./command-stats").CommandStats;
  /** @internal Set by the RESP server while a client is in MONITOR: called for each command the dispatcher runs (`inScript`: a script's command). */
  monitor?: ((session: Session, argv: readonly Buffer[], inScript: boolean) => void) | undefined;
  /** @internal Set by the RESP server: an error a script's command answered (INFO errorstats counts it then, as Redis does). */
  scriptError?: ((message: string) => void) | undefined;
  /**
   * Registers a pub/sub hub for the messages the dispatcher publishes itself (keyspace
   * notifications), delivered synchronously inside the command; returns the function that removes it.
   */
  addPublishListener?(listener: (channel: Buffer, message: Buffer) => void): () => void;
}

/** A session's state as CLIENT LIST reports it (see {@link Dispatcher.describeClient}). */
export interface ClientDescription {
  /** CLIENT TRACKING is on (flag `t`). */
  readonly tracking: boolean;
  /** The redirect client id (0 without REDIRECT; -1 when not tracking). */
  readonly redirect: number;
  /** The redirect client went away (flag `R`). */
  readonly brokenRedirect: boolean;
  /** BCAST mode (flag `B`). */
  readonly bcast: boolean;
  /** A WATCHed key changed: EXEC will fail (flag `d`). */
  readonly dirty: boolean;
}

/** A command queued inside MULTI through {@link Dispatcher.queueCall}. */
export interface QueuedCall {
  /** Lower-case command name (maxmemory's denyoom check). */
  readonly name: string;
  /** Runs the command at EXEC; its reply goes into EXEC's array. */
  run(): Reply;
}

/** Runs commands from inside a Lua script: synchronous only (scripts are atomic; blocking commands act as non-blocking, as in Redis). */
export type ScriptCall = (argv: readonly Buffer[]) => Reply;

/** How a script may run (lua/script-runner.ts). Without options a host runs the script synchronously. */
export interface ScriptRunOptions {
  /** Past `busyAfterMs` (lua-time-limit) the script yields to the event loop and the host returns a {@link RunningScript}. */
  readonly busyAfterMs: number;
  /** The caller needs the reply now (EXEC): the script never yields, `busyAfterMs` only marks when it stalls the event loop. */
  readonly sync?: boolean;
}

/** A script past lua-time-limit, still running between event-loop turns: settles with its reply; `kill` ends it (SCRIPT KILL). */
export interface RunningScript extends Promise<Reply> {
  kill(): void;
}

/**
 * The Lua side of EVAL/EVALSHA/SCRIPT, implemented with fengari in `src/memory/lua/`. The
 * command engine owns one host per engine and calls it synchronously; `call` runs a
 * command inside the script (redis.call / redis.pcall go through it).
 */
export interface ScriptingHost {
  /** Runs `body` (EVAL) and caches it under its SHA1 like Redis does; synchronously, unless `options` allow yielding. */
  evalBody(body: Buffer, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, options?: ScriptRunOptions): Reply | RunningScript;
  /** Runs a cached script (EVALSHA); a `NOSCRIPT No matching script. Please use EVAL.` ErrorReply when unknown. */
  evalSha(sha: string, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, options?: ScriptRunOptions): Reply | RunningScript;
  /** SCRIPT LOAD: compiles (an `ERR Error compiling script …` ErrorReply on a syntax error), caches, returns the SHA1. */
  load(body: Buffer): string | ErrorReply;
  /** SCRIPT EXISTS for one SHA1. */
  exists(sha: string): boolean;
  /** SCRIPT FLUSH. */
  flush(): void;
  /**
   * The shebang flags of a cached script (`#!lua flags=no-writes`, Redis 7.0), undefined when
   * it is not cached. A host without this method runs every script in compatibility mode.
   */
  flags?(sha: string): ScriptFlags | undefined;
  /** How many scripts are cached (INFO memory's `number_of_cached_scripts`). */
  cachedScripts?(): number;
  /** Redis 7.0 Functions (FUNCTION LOAD…, FCALL): absent when the host has none. */
  readonly functions?: FunctionHost;
}

/** One function of a library, as FUNCTION LIST shows it. */
export interface FunctionInfo {
  readonly name: string;
  readonly description: Buffer | null;
  /** Redis's flag names in Redis's order (no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys). */
  readonly flagNames: readonly string[];
  readonly flags: ScriptFlags;
}

/** A loaded library: its name, its code (with the `#!lua name=` line) and its functions. */
export interface FunctionLibrary {
  readonly name: string;
  readonly code: Buffer;
  readonly functions: readonly FunctionInfo[];
}

/** FUNCTION RESTORE's policy. */
export type RestorePolicy = "flush" | "append" | "replace";

/**
 * The libraries of Redis 7.0 Functions and their runner (FUNCTION LOAD/DELETE/FLUSH/LIST/DUMP/
 * RESTORE, FCALL, FCALL_RO); error replies carry Redis's texts.
 */
export interface FunctionHost {
  /** FUNCTION LOAD [REPLACE]: the library's name, or the error. */
  load(code: Buffer, replace: boolean): string | ErrorReply;
  /** FUNCTION RESTORE of the library codes a payload held. */
  restore(codes: readonly Buffer[], policy: RestorePolicy): ErrorReply | undefined;
  libraries(): readonly FunctionLibrary[];
  find(name: string): FunctionInfo | undefined;
  /** FUNCTION DELETE: false when there is no such library. */
  delete(library: string): boolean;
  flush(): void;
  /** FCALL of a function {@link find} found. */
  call(name: string, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, options?: ScriptRunOptions): Reply | RunningScript;
}

/** A script's shebang flags (Redis 7.0's `#!lua flags=…`); all false without a shebang ("compatibility mode"). */
export interface ScriptFlags {
  /** The script starts with a `#!lua` line. */
  readonly shebang: boolean;
  /** `no-writes`: write commands are refused; EVAL_RO / EVALSHA_RO may run it. */
  readonly noWrites: boolean;
  /** `allow-oom`: may run while over maxmemory. */
  readonly allowOom: boolean;
  /** `allow-stale`: may run on a stale replica (accepted; the engine has no replicas). */
  readonly allowStale: boolean;
  /** `no-cluster`: refused in cluster mode (accepted; the engine is never a cluster). */
  readonly noCluster: boolean;
  /** `allow-cross-slot-keys`: may touch keys of several slots (accepted; the engine has no slots). */
  readonly allowCrossSlotKeys: boolean;
}
