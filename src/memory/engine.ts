/**
 * The embedded engine: 16 databases, the command table with Redis's arity checks and
 * error texts, MULTI queueing, blocking commands, and a pluggable Lua host. Single
 * threaded: every command runs to completion before the next one starts.
 */
import { Blocking } from "./blocking";
import { CommandStats } from "./command-stats";
import { Cursors } from "./scan";
import type { ClientState, CommandSpec, Ctx } from "./command";
import { toErrorReply } from "./errors";
import { CommandTable } from "./command-table";
import { ActiveExpiry } from "./expiry";
import { Keyspace } from "./keyspace";
import { EncodingLimits } from "./encoding";
import { ErrorReply, StatusReply } from "./protocol";
import type { ClientDescription, Dispatcher, QueuedCall, Reply, ScriptingHost, Session } from "./protocol";
import { newClientState, touchWatchers, unwatchAll } from "./transactions-state";
import { allCommands } from "./commands/index";
import { refuseBusy, type BusyScript } from "./commands/script-busy";
import type { ClientEndpoint } from "./tracking";
import { Tracking } from "./tracking";
import { isReadOnly, readOnlyKeys } from "./tracking-keys";
import { DEFAULT_MAX_REPLY_BYTES } from "./random";
import { Maxmemory, OOM_ERROR, SCRIPT_COMMANDS } from "./maxmemory";
import { OomGate } from "./oom-gate";
import { redisDirty } from "./dirty";
import type { MaxmemoryOptions } from "./maxmemory";
import { KeyspaceNotifier, NOTIFY_KEY_MISS, READ_LOOKUPS } from "./notify";

export const DATABASES = 16;

/** Commands that run immediately even inside MULTI. */
const NOT_QUEUED = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);
/** Commands MONITOR shows before their script's commands (Redis feeds them itself; the rest after they ran). */
const FED_BEFORE = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"]);
const ARITY_ERROR = /^ERR wrong number of arguments for '([^']+)' command$/;
/** Redis 7.0's `no-multi` commands the engine has (SAVE, SYNC, PSYNC are the others): refused inside MULTI, flagging it. */
const NO_MULTI = new Set(["shutdown"]);

export interface EngineOptions extends MaxmemoryOptions {
  /** The Lua host for EVAL/EVALSHA/SCRIPT (see protocol.ts); without one those commands answer an error. */
  readonly scripting?: ScriptingHost;
  /** Clock in ms (tests). Default Date.now. */
  readonly now?: () => number;
  /**
   * Largest reply, in estimated RESP bytes, that SRANDMEMBER / HRANDFIELD / ZRANDMEMBER with a
   * negative count may build (they answer an error past it; Redis would exhaust memory).
   * Default 512 MiB; `maxmemory` (at least 1 MiB), when set and smaller, bounds it too.
   */
  readonly maxReplyBytes?: number;
}

export class Engine implements Dispatcher {
  /** @internal The 16 databases. */
  readonly dbs: Keyspace[];
  /** @internal Clients blocked in BLPOP & co. */
  readonly blocking = new Blocking((owner, serve) => this.tracking.servedAs(owner as Session, serve));
  /** @internal SCAN cursors. */
  readonly cursors = new Cursors();
  /** The engine's clock in ms. */
  readonly now: () => number;
  /** The Lua host behind EVAL/EVALSHA/SCRIPT (undefined: those commands answer an error). */
  scripting: ScriptingHost | undefined;
  /** @internal The script running past lua-time-limit, if any: other commands answer BUSY (commands/script-busy.ts). */
  busyScript: BusyScript | null = null;
  /** What SHUTDOWN does (`narwhal serve`: exit the process); unset, SHUTDOWN answers an error. */
  onShutdown: (() => void) | undefined;
  /** See {@link EngineOptions.maxReplyBytes}. */
  maxReplyBytes: number;
  /** @internal `maxmemory` / `maxmemory-policy`: the limit, eviction and the engine's memory estimate (maxmemory.ts). */
  readonly memory: Maxmemory;
  /** @internal Open sessions and CLIENT TRACKING state (tracking.ts). */
  readonly tracking = new Tracking();
  /** @internal CONFIG's encoding thresholds (encoding.ts), shared by the databases. */
  readonly encodingLimits = new EncodingLimits();
  /** @internal INFO commandstats: every command that ran (from a client, EXEC or a script), refused or failed (command-stats.ts). */
  readonly commandStats = new CommandStats();
  /**
   * Redis's server.dirty (INFO persistence `rdb_changes_since_last_save`; nothing is ever saved):
   * one per change of a key (each signalModifiedKey), plus what a command counts beyond that as
   * Redis does (BITFIELD's changed fields, FLUSHALL/FLUSHDB's removed keys).
   */
  dirty = 0;
  /** @internal MONITOR (`narwhal serve`): called for each command that runs; `inScript` for a script's commands. Unset: nobody monitors. */
  monitor: ((session: Session, argv: readonly Buffer[], inScript: boolean) => void) | undefined;
  /**
   * @internal `narwhal serve`'s INFO errorstats: an error a script's command produced, counted when it
   * happens as Redis does (even when the script catches it with redis.pcall); the script's own
   * reply then carries it as an already counted error (CountedErrorReply).
   */
  scriptError: ((message: string) => void) | undefined;
  /** @internal `notify-keyspace-events` and the hubs keyspace notifications go to (notify.ts). */
  readonly notifier = new KeyspaceNotifier();
  /** The maxmemory gate before a command and at a script's first write (oom-gate.ts). */
  private readonly oom: OomGate;
  private readonly table = new CommandTable(allCommands);
  private readonly clients = new WeakMap<Session, ClientState>();
  private lastClient: { readonly session: Session; readonly state: ClientState } | undefined;
  private readonly expiry: ActiveExpiry;
  private nextClientId = 1;
  private dispatchDepth = 0;

  constructor(options: EngineOptions = {}) {
    this.now = options.now ?? Date.now;
    this.scripting = options.scripting;
    this.maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    const events = {
      touched: touchWatchers,
      ready: (db: Keyspace, key: string) => this.blocking.signal(db, key),
      modified: (_db: Keyspace, key: string, expired: boolean) => {
        if (!expired) this.dirty++; // an expiry is not a change Redis counts
        if (this.tracking.active) this.tracking.modified(key, expired);
      },
      flushed: () => this.tracking.flushed(),
    };
    // Keys expire by the key clock: frozen while a script runs (see freezeKeyClock).
    const keyClock = () => this.frozenAt ?? this.now();
    this.dbs = Array.from({ length: DATABASES }, (_, i) => new Keyspace(i, events, keyClock, this.notifier));
    this.memory = new Maxmemory(this.dbs, options);
    this.oom = new OomGate(this.memory);
    this.expiry = new ActiveExpiry(this.dbs, keyClock, () => {
      if (this.tracking.active) this.tracking.limitKeys();
    });
    this.expiry.start();
  }

  /** Installs (or replaces) the Lua host used by EVAL/EVALSHA/SCRIPT. */
  setScriptingHost(host: ScriptingHost | undefined): void {
    this.scripting = host;
  }

  /** A new client session on database 0. */
  createSession(protocol: 2 | 3 = 2): Session {
    const session: Session = { id: this.nextClientId++, db: 0, protocol };
    this.tracking.open(session);
    return session;
  }

  /** How the engine reaches a session's client (invalidation messages, CLIENT KILL): set by the RESP connection or the MemoryClient. */
  attachClient(session: Session, endpoint: ClientEndpoint): void {
    this.tracking.attach(session, endpoint);
  }

  /** Forgets a closed connection: its MULTI queue, WATCHed keys and blocked commands (answered nil). */
  closeSession(session: Session): void {
    const client = this.clients.get(session);
    if (client) {
      client.multi = null;
      unwatchAll(client);
    }
    this.blocking.cancel(session, null);
    this.tracking.close(session);
  }

  /** Stops the active-expiry timer. */
  close(): void {
    this.expiry.stop();
  }

  /** Names of every command in the table (for COMMAND COUNT, the README list). */
  commandNames(): string[] {
    return this.table.names().sort();
  }

  /**
   * @internal The bound on one reply of random picks: maxReplyBytes, or maxmemory when set and
   * smaller (never below 1 MiB: a tiny maxmemory still answers small random replies, as Redis does).
   */
  replyLimit(): number {
    const maxmemory = this.memory.limit;
    return maxmemory > 0 ? Math.min(this.maxReplyBytes, Math.max(maxmemory, 1024 * 1024)) : this.maxReplyBytes;
  }

  /**
   * @internal While a script runs, keys expire by the time it started, as Redis does (expireIfNeeded
   * uses the script's start time): a key the script saw stays visible to it until it ends, however
   * long it runs. Returns the thaw function; nested freezes (a script inside EXEC) keep the outer time.
   */
  freezeKeyClock(): () => void {
    if (this.frozenAt !== undefined) return () => undefined;
    this.frozenAt = this.now();
    return () => void (this.frozenAt = undefined);
  }

  private frozenAt: number | undefined;

  /** @internal */
  clientState(session: Session): ClientState {
    // A pipelined burst runs commands of one session in a row (WeakMap entries are never replaced).
    if (session === this.lastClient?.session) return this.lastClient.state;
    let state = this.clients.get(session);
    if (!state) this.clients.set(session, (state = newClientState()));
    this.lastClient = { session, state };
    return state;
  }

  /** The BUSY error for `argv` while a script runs past lua-time-limit (undefined: it may run) (commands/script-busy.ts `refuseBusy`). */
  refuseWhileBusy(argv: readonly Buffer[], session?: Session): ErrorReply | undefined {
    return this.busyScript ? refuseBusy(this.busyScript, argv, session && this.clientState(session)) : undefined;
  }

  dispatch(session: Session, argv: readonly Buffer[]): Reply | Promise<Reply> {
    if (this.busyScript) {
      const refused = this.refuseWhileBusy(argv, session);
      if (refused) return refused;
    }
    const client = this.clientState(session);
    const resolved = this.table.resolve(argv);
    if (resolved instanceof ErrorReply) {
      if (client.multi) client.multiError = true;
      this.rejectedByArity(resolved);
      return resolved;
    }
    if (client.multi && NO_MULTI.has(resolved.name)) {
      client.multiError = true;
      this.commandStats.rejected(resolved.name);
      return new ErrorReply("ERR Command not allowed inside a transaction");
    }
    const evicted = this.memory.evictedKeys;
    const oom = this.oom.refuse(resolved.name, client);
    if (this.memory.evictedKeys !== evicted && this.tracking.active) this.tracking.sendBeforeReply();
    if (oom) {
      if (client.multi) client.multiError = true;
      this.commandStats.rejected(resolved.name);
      return oom;
    }
    if (client.multi && !NOT_QUEUED.has(resolved.name)) {
      client.multi.push(argv);
      return new StatusReply("QUEUED");
    }
    const tracking = this.tracking;
    const previous = tracking.current;
    tracking.current = session;
    if (tracking.active && this.dispatchDepth === 0) tracking.limitKeys(); // processCommand's trackingLimitUsedSlots
    this.dispatchDepth++;
    try {
      const reply = this.execute(resolved, session, client, argv, false, false);
      // Blocked clients are served after the outermost command: a connection command run inside
      // EXEC (INFO reads DBSIZE through dispatch) must not serve them in the middle of the transaction.
      if (this.dispatchDepth === 1) this.blocking.serveReady();
      if (tracking.active && resolved.name.startsWith("client|") === false) tracking.commandDone(session, client.multi !== null);
      return reply;
    } finally {
      this.dispatchDepth--;
      tracking.current = previous;
    }
  }

  /** See {@link Dispatcher.addPublishListener}: keyspace notifications (notify.ts). */
  addPublishListener(listener: (channel: Buffer, message: Buffer) => void): () => void {
    return this.notifier.listen(listener);
  }

  /** See {@link Dispatcher.describeClient}. */
  describeClient(session: Session): ClientDescription {
    const t = this.tracking.state(session);
    const dirty = this.clients.get(session)?.dirty ?? false;
    return { tracking: t !== undefined, redirect: t ? t.redirect : -1, brokenRedirect: t?.brokenRedirect ?? false, bcast: t?.bcast ?? false, dirty };
  }

  /** See {@link Dispatcher.queueCall}: maxmemory refuses it inside MULTI as any queued command (OOM, then EXECABORT). */
  queueCall(session: Session, call: QueuedCall | ErrorReply): Reply | undefined {
    const client = this.clientState(session);
    if (!client.multi) return undefined;
    const refused = call instanceof ErrorReply ? call : this.oom.refuse(call.name, client);
    if (refused) {
      client.multiError = true;
      return refused;
    }
    client.multi.push(call as QueuedCall);
    return new StatusReply("QUEUED");
  }

  /**
   * Runs a command from inside a script: synchronous, never blocks, no MULTI/WATCH. An error
   * it answers is counted now (scriptError), and a refusal in the command's rejected_calls.
   */
  dispatchInScript(session: Session, argv: readonly Buffer[], check?: (name: string) => ErrorReply | undefined, declaredKeys: readonly Buffer[] = []): Reply {
    const reply = this.runInScript(session, argv, check, declaredKeys);
    if (reply instanceof ErrorReply) this.scriptError?.(reply.message);
    return reply;
  }

  private runInScript(session: Session, argv: readonly Buffer[], check: ((name: string) => ErrorReply | undefined) | undefined, declaredKeys: readonly Buffer[]): Reply {
    const resolved = this.table.resolve(argv);
    if (resolved instanceof ErrorReply) {
      this.rejectedByArity(resolved);
      return resolved;
    }
    // A container's flag covers its subcommands (SCRIPT KILL, CONFIG GET…), as in Redis's command table.
    if (resolved.noscript || this.table.get(argv[0]!.toString("latin1").toLowerCase())?.noscript) return this.refuse(resolved.name, "ERR This Redis command is not allowed from script");
    // The script's own checks (read-only scripts refuse writes), after Redis's lookup, arity and noscript checks.
    const refused = check?.(resolved.name);
    if (refused) {
      this.commandStats.rejected(resolved.name);
      return refused;
    }
    // As Redis's scriptVerifyOOM: a script that started over maxmemory may not begin writing (it may finish once it has).
    if (this.oom.refusesScriptWrite(resolved.name)) return this.refuse(resolved.name, OOM_ERROR);
    const reply = this.execute(resolved, session, this.clientState(session), argv, true, true, declaredKeys);
    if (reply instanceof Promise) return new ErrorReply("ERR blocking command in script");
    return reply;
  }

  /** A command refused before it ran (INFO commandstats `rejected_calls`). */
  private refuse(name: string, message: string): ErrorReply {
    this.commandStats.rejected(name);
    return new ErrorReply(message);
  }

  /** A wrong argument count is a rejected call of that command (an unknown command or subcommand counts nowhere, as in Redis). */
  private rejectedByArity(error: ErrorReply): void {
    const arity = ARITY_ERROR.exec(error.message);
    if (arity) this.commandStats.rejected(arity[1]!);
  }

  /** @internal Runs a queued command at EXEC time. */
  executeQueued(session: Session, client: ClientState, argv: readonly Buffer[]): Reply {
    const resolved = this.table.resolve(argv);
    if (resolved instanceof ErrorReply) return resolved;
    if (SCRIPT_COMMANDS.has(resolved.name)) this.oom.beginScript();
    const reply = this.execute(resolved, session, client, argv, true, false);
    return reply instanceof Promise ? new ErrorReply("ERR blocking command in MULTI") : reply;
  }

  /** `declaredKeys`: inside a script, the keys its EVAL/FCALL declared (what a read there makes a tracking client remember). */
  private execute(spec: CommandSpec, session: Session, client: ClientState, argv: readonly Buffer[], nested: boolean, inScript: boolean, declaredKeys: readonly Buffer[] = []): Reply | Promise<Reply> {
    const ctx: Ctx = { engine: this, session, client, argv, db: this.dbs[session.db]!, nested, inScript };
    const fedBefore = this.monitor !== undefined && FED_BEFORE.has(spec.name);
    if (fedBefore) this.monitor!(session, argv, inScript);
    const stat = this.commandStats.of(spec.name);
    const started = CommandStats.timesNext(stat) ? performance.now() : -1;
    const dirty = this.dirty;
    let reply: Reply | Promise<Reply> = null;
    // `m` class on: a read command's misses publish `keymiss` (commands never nest inside a read one: no save/restore).
    ctx.db.missReads = (this.notifier.flags & NOTIFY_KEY_MISS) !== 0 && READ_LOOKUPS.has(spec.name);
    try {
      const r = spec.handler(ctx);
      // A blocked command that ends in an error (XGROUP DESTROY under XREADGROUP…) is a failed call, as in Redis.
      reply = r instanceof Promise ? r.catch(toErrorReply).then((x) => (x instanceof ErrorReply && stat.failed++, x)) : r;
      return reply;
    } catch (error) {
      return (reply = toErrorReply(error));
    } finally {
      CommandStats.ran(stat, started < 0 ? -1 : (performance.now() - started) * 1000, reply instanceof ErrorReply);
      if (!(reply instanceof Promise)) this.dirty = dirty + redisDirty(spec.name, argv, reply, this.dirty - dirty);
      if (this.monitor !== undefined && !fedBefore) this.monitor(session, argv, inScript);
      ctx.db.missReads = false;
      // Like Redis's call(): a tracking client remembers the keys of its read-only commands (after they ran);
      // a read-only command inside a script makes it remember the script's declared keys instead (none: nothing).
      if (this.tracking.active) {
        if (inScript) {
          if (declaredKeys.length > 0 && isReadOnly(spec.name, argv)) this.tracking.remember(session, declaredKeys);
        } else {
          const keys = readOnlyKeys(spec.name, argv);
          if (keys) this.tracking.remember(session, keys);
        }
      }
    }
  }
}
