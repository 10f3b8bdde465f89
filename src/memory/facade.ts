/**
 * `MemoryClient`: an ioredis-compatible client over the embedded engine. It answers like
 * ioredis 6 with its defaults does against a real server (see facade-render.ts), so code
 * written for ioredis (narwhal's `Database`, a user's own code) runs unchanged. Each client
 * is one engine session; `duplicate()` opens another session on the same engine, so
 * blocking pops on one client are woken by pushes from another.
 */
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Engine } from "./engine";
import { createEngine } from "./create-engine";
import { defineCommandMethods } from "./facade-commands";
import { toArgv } from "./facade-args";
import { MemoryBatch } from "./facade-batch";
import { FacadePubSub } from "./facade-pubsub";
import { render, ReplyError } from "./facade-render";
import { ErrorReply } from "./protocol";
import type { Reply, ScriptingHost, Session } from "./protocol";

export { ReplyError } from "./facade-render";

export interface MemoryClientOptions {
  /** The engine to use; default a new one. Clients of one engine share its data. */
  readonly engine?: Engine;
  /** Lua host for a new engine (ignored when `engine` is given). */
  readonly scripting?: ScriptingHost;
  /** Database selected at start (default 0). */
  readonly db?: number;
}

/** A script registered with `defineCommand`. */
interface Defined {
  readonly lua: string;
  readonly sha: string;
  readonly numberOfKeys: number | undefined;
}

type Sender<R> = (name: string, buffers: boolean, args: unknown[]) => R;

export class MemoryClient extends EventEmitter {
  readonly engine: Engine;
  /** Like ioredis: `"ready"` until `quit()`/`disconnect()`, then `"end"`. */
  status: "ready" | "end" = "ready";
  readonly isCluster = false;
  readonly options: { readonly db: number };
  private readonly session: Session;
  private readonly scripts = new Map<string, Defined>();
  private readonly ownsEngine: boolean;
  private readonly pubsub: FacadePubSub;

  constructor(options: MemoryClientOptions = {}) {
    super();
    this.ownsEngine = options.engine === undefined;
    this.engine = options.engine ?? createEngine({ scripting: options.scripting });
    // RESP3 like ioredis 6: pairs arrive nested and render() flattens them for the commands ioredis
    // flattens; a raw `call("exec")` keeps them nested, exactly as ioredis does.
    this.session = this.engine.createSession(3);
    this.options = { db: options.db ?? 0 };
    this.session.db = this.options.db;
    this.pubsub = new FacadePubSub(this.engine, this);
    const pubsub = this.pubsub;
    this.engine.attachClient(this.session, {
      invalidate: (keys, redirected) => {
        if (redirected) pubsub.invalidation(keys);
      },
      kill: () => this.end(),
      get subscribed() {
        return pubsub.subscribed;
      },
    });
    queueMicrotask(() => {
      this.emit("connect");
      this.emit("ready");
    });
  }

  /** Sends a command; string replies (like ioredis `call`). */
  call(command: string, ...args: unknown[]): Promise<unknown> {
    return this.send(command, false, args);
  }

  /** Sends a command; Buffer replies (like ioredis `callBuffer`). */
  callBuffer(command: string, ...args: unknown[]): Promise<unknown> {
    return this.send(command, true, args);
  }

  /** A pipeline: queued commands run on `exec()`, resolving `[error, result][]`. */
  pipeline(commands?: Array<[string, ...unknown[]]>): MemoryBatch {
    const batch = new MemoryBatch(this, false);
    for (const [name, ...args] of commands ?? []) batch.call(name, ...args);
    return batch;
  }

  /** A MULTI/EXEC transaction, run on `exec()`. */
  multi(commands?: Array<[string, ...unknown[]]>): MemoryBatch {
    const batch = new MemoryBatch(this, true);
    for (const [name, ...args] of commands ?? []) batch.call(name, ...args);
    return batch;
  }

  /** Another client (its own session: selected db, MULTI, WATCH) on the same engine. */
  duplicate(): MemoryClient {
    const copy = new MemoryClient({ engine: this.engine, db: this.options.db });
    for (const [name, d] of this.scripts) copy.defineCommand(name, { lua: d.lua, numberOfKeys: d.numberOfKeys });
    return copy;
  }

  /** Ends the client (QUIT). The data stays in the engine for its other clients. */
  async quit(): Promise<"OK"> {
    this.end();
    return "OK";
  }

  /** Ends the client at once. */
  disconnect(): void {
    this.end();
  }

  /** SUBSCRIBE: messages arrive as `message`/`messageBuffer` events (facade-pubsub.ts). Resolves the subscription count. */
  subscribe(...channels: unknown[]): Promise<number> {
    return this.pubsubCall(() => this.pubsub.subscribe(channels, false));
  }

  /** PSUBSCRIBE (glob patterns): `pmessage`/`pmessageBuffer` events. */
  psubscribe(...patterns: unknown[]): Promise<number> {
    return this.pubsubCall(() => this.pubsub.subscribe(patterns, true));
  }

  /** UNSUBSCRIBE (every channel without arguments). */
  unsubscribe(...channels: unknown[]): Promise<number> {
    return this.pubsubCall(() => this.pubsub.unsubscribe(channels, false));
  }

  /** PUNSUBSCRIBE (every pattern without arguments). */
  punsubscribe(...patterns: unknown[]): Promise<number> {
    return this.pubsubCall(() => this.pubsub.unsubscribe(patterns, true));
  }

  /** PUBLISH to the MemoryClients of this engine; resolves how many received it. */
  publish(channel: unknown, message: unknown): Promise<number> {
    return this.pubsubCall(() => this.pubsub.publish(channel, message));
  }

  private pubsubCall(run: () => number): Promise<number> {
    if (this.status === "end") return Promise.reject(new Error("Connection is closed."));
    return Promise.resolve(run());
  }

  /** Resolves at once: the engine is in-process. */
  async connect(): Promise<void> {}

  /**
   * Registers a Lua script as a method (`client[name](...keysAndArgs)`, `client[name + "Buffer"]`),
   * run with EVALSHA and EVAL on NOSCRIPT, like ioredis. Without `numberOfKeys` the first argument is the key count.
   */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void {
    const d: Defined = { lua: definition.lua, sha: createHash("sha1").update(definition.lua).digest("hex"), numberOfKeys: definition.numberOfKeys };
    this.scripts.set(name, d);
    const target = this as unknown as Record<string, unknown>;
    target[name] = (...args: unknown[]) => this.runScript(d, false, args);
    target[`${name}Buffer`] = (...args: unknown[]) => this.runScript(d, true, args);
  }

  /** @internal Runs argv on this client's session. */
  dispatch(argv: readonly Buffer[]): Reply | Promise<Reply> {
    if (this.status === "end") return new ErrorReply("Connection is closed.");
    return this.engine.dispatch(this.session, argv);
  }

  /**
   * @internal PUBLISH through `call`, a pipeline or a MULTI (the engine has no PUBLISH: pub/sub
   * lives in the facade): inside MULTI queued in the engine and delivered at EXEC with its count
   * in EXEC's array, as Redis does (Dispatcher.queueCall); otherwise at once.
   */
  publishArgv(argv: readonly Buffer[]): Reply {
    if (this.status === "end") return new ErrorReply("Connection is closed.");
    const arity = argv.length === 3 ? undefined : new ErrorReply("ERR wrong number of arguments for 'publish' command");
    const run = () => this.pubsub.publish(argv[1], argv[2]);
    return this.engine.queueCall(this.session, arity ?? { name: "publish", run }) ?? arity ?? run();
  }

  /**
   * @internal Installs the scripts registered with `defineCommand` on a batch, as EVALSHA;
   * `uses(lua)` tells the batch which scripts to load before it runs (as ioredis does), since a
   * NOSCRIPT inside a batch cannot be retried in order.
   */
  installScripts<T extends object>(target: T, send: Sender<unknown>, uses: (lua: string) => void): void {
    const t = target as unknown as Record<string, unknown>;
    for (const [name, d] of this.scripts) {
      t[name] = (...args: unknown[]) => (uses(d.lua), send("evalsha", false, this.scriptArgs(d, d.sha, args)));
      t[`${name}Buffer`] = (...args: unknown[]) => (uses(d.lua), send("evalsha", true, this.scriptArgs(d, d.sha, args)));
    }
  }

  /** @internal Sends a command for a command method (not ioredis's `sendCommand`, which takes a Command object). */
  runCommandMethod(command: string, buffers: boolean, args: unknown[]): Promise<unknown> {
    return this.send(command, buffers, args);
  }

  private scriptArgs(d: Defined, body: string, args: unknown[]): unknown[] {
    return d.numberOfKeys === undefined ? [body, ...args] : [body, d.numberOfKeys, ...args];
  }

  private async runScript(d: Defined, buffers: boolean, args: unknown[]): Promise<unknown> {
    try {
      return await this.send("evalsha", buffers, this.scriptArgs(d, d.sha, args));
    } catch (error) {
      if (!(error instanceof ReplyError) || !error.message.startsWith("NOSCRIPT")) throw error;
      return this.send("eval", buffers, this.scriptArgs(d, d.lua, args));
    }
  }

  private send(command: string, buffers: boolean, args: unknown[]): Promise<unknown> {
    if (this.status === "end") return Promise.reject(new Error("Connection is closed."));
    const argv = toArgv(command, args);
    const name = command.toLowerCase();
    let reply: Reply | Promise<Reply>;
    try {
      reply = name === "publish" ? this.publishArgv(argv) : this.engine.dispatch(this.session, argv);
    } catch (error) {
      return Promise.reject(error);
    }
    if (reply instanceof Promise) return reply.then((r) => render(r, name, buffers, argv.slice(1)));
    try {
      return Promise.resolve(render(reply, name, buffers, argv.slice(1)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private end(): void {
    if (this.status === "end") return;
    this.status = "end";
    this.pubsub.close();
    this.engine.closeSession(this.session);
    if (this.ownsEngine) this.engine.close();
    queueMicrotask(() => {
      this.emit("close");
      this.emit("end");
    });
  }
}

defineCommandMethods(MemoryClient.prototype, (client, name, buffers, args) => client.runCommandMethod(name, buffers, args));

/** Typed signatures of the most used command methods (defined on the prototype for every name in COMMAND_METHODS, facade-commands.ts). */
export interface MemoryClient {
  get(key: string | Buffer): Promise<string | null>;
  set(key: string | Buffer, value: string | Buffer | number, ...options: Array<string | number>): Promise<string | null>;
  del(...keys: Array<string | Buffer>): Promise<number>;
  hget(key: string | Buffer, field: string | Buffer): Promise<string | null>;
  hset(key: string | Buffer, ...fieldsAndValues: unknown[]): Promise<number>;
  hgetall(key: string | Buffer): Promise<Record<string, string>>;
  lpush(key: string | Buffer, ...values: Array<string | Buffer | number>): Promise<number>;
  lrange(key: string | Buffer, start: number, stop: number): Promise<string[]>;
  sadd(key: string | Buffer, ...members: Array<string | Buffer | number>): Promise<number>;
  smembers(key: string | Buffer): Promise<string[]>;
  zadd(key: string | Buffer, ...scoresAndMembers: Array<string | Buffer | number>): Promise<number | string | null>;
  zrange(key: string | Buffer, start: number | string, stop: number | string, ...options: Array<string | number>): Promise<string[]>;
  zscore(key: string | Buffer, member: string | Buffer): Promise<string | null>;
  expire(key: string | Buffer, seconds: number, ...flags: string[]): Promise<number>;
  ttl(key: string | Buffer): Promise<number>;
  keys(pattern: string): Promise<string[]>;
  scan(cursor: number | string, ...options: Array<string | number>): Promise<[string, string[]]>;
  eval(script: string, numKeys: number, ...keysAndArgs: Array<string | Buffer | number>): Promise<unknown>;
  evalsha(sha: string, numKeys: number, ...keysAndArgs: Array<string | Buffer | number>): Promise<unknown>;
}
