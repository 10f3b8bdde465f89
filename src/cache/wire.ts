/**
 * How the cache talks to Redis: one command at a time through the Database's client, with
 * narwhal's error mapping, an optional deadline (the Redis call is raced against a timer, so
 * a caller never waits longer than `timeout` ms), and helpers for Redis Cluster: grouping keys
 * by slot for multi-key commands, and SCAN on every master.
 */
import type { ClientLike } from "../client";
import { mapClientError } from "../client-errors";
import { openBatch } from "../cluster-batch";
import type { Arg } from "../command";
import { ConnectionError } from "../errors";
import { toScanPage } from "../reply";
import type { ScriptSource } from "../script";
import { runScript } from "../script-runner";
import { keySlot } from "../slot";
import { clearDeadline, setDeadline } from "./deadlines";
import { GetBatcher } from "./get-batcher";
import type { OnError, OnReply } from "./get-batcher";

/** What the cache needs from its Database. */
export interface WireOwner {
  readonly client: ClientLike;
  readonly isCluster: boolean;
  describeServer(): string;
  /** Sends through `send()`: fails fast while down, settles lost replies honestly (Database.track). */
  track<T>(send: () => Promise<T>, label: string): Promise<T>;
}

/** Statuses in which an ioredis client has lost its connection (fail-open callers skip Redis then). */
const DOWN = new Set(["reconnecting", "end", "close"]);

export class Wire {
  private readonly batcher: GetBatcher;

  constructor(private readonly owner: WireOwner) {
    this.batcher = new GetBatcher(owner.client, !owner.isCluster);
  }

  get isCluster(): boolean {
    return this.owner.isCluster;
  }

  /** True when the client reports a lost connection (a fail-open call then does not wait for it). */
  get down(): boolean {
    return DOWN.has(this.owner.client.status);
  }

  /** A ConnectionError for "not connected" (fail-open fast path). */
  notConnected(): ConnectionError {
    return new ConnectionError(this.owner.describeServer(), `not connected (client status "${this.owner.client.status}")`);
  }

  /** Maps a client failure to a narwhal error. */
  mapError(error: unknown, command: string, script?: string): Error {
    return mapClientError(error, command.toUpperCase(), () => this.owner.describeServer(), script);
  }

  /** Sends one command (`binary`: Buffer replies). Rejects with a mapped error. */
  send(command: string, args: readonly Arg[], binary = false): Promise<unknown> {
    const client = this.owner.client;
    const p = this.owner.track(() => (binary ? client.callBuffer(command, ...args) : client.call(command, ...args)), command.toUpperCase());
    return p.catch((error: unknown) => {
      throw this.mapError(error, command);
    });
  }

  /** Runs one of narwhal's scripts through the one script path (script-runner.ts). Rejects with a mapped error. */
  script(script: ScriptSource, keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
    const client = this.owner.client;
    return runScript((name, a) => this.owner.track(() => client.call(name, ...a), name.toUpperCase()), script, keys, args).catch((error: unknown) => {
      throw this.mapError(error, `evalsha ${script.name}`, script.name);
    });
  }

  /**
   * Sends commands as one MULTI/EXEC; resolves the replies. Each command's first argument is
   * its key, and on Cluster they all share a slot.
   */
  async multi(commands: ReadonlyArray<readonly [string, ...Arg[]]>): Promise<unknown[]> {
    const batch = openBatch(this.owner.client, true, this.owner.isCluster ? commands.map((c) => String(c[1])) : []);
    for (const [name, ...args] of commands) batch.call(name, ...args);
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await this.owner.track(() => batch.exec(), "EXEC");
    } catch (error) {
      throw this.mapError(error, "exec");
    }
    if (results === null) throw new ConnectionError(this.owner.describeServer(), "EXEC aborted");
    return results.map(([error, reply], i) => {
      if (error) throw this.mapError(error, commands[i]?.[0] ?? "exec");
      return reply;
    });
  }

  /**
   * GET `key` with Buffer replies and call back with the raw reply, or with a mapped error
   * (also when no reply came within `timeout` ms; a late reply is then ignored). Callbacks,
   * not promises: this is the cache hit path. GETs of one tick are batched into one MGET
   * (see get-batcher.ts).
   */
  get(key: string, timeout: number | undefined, onReply: OnReply, onError: OnError): void {
    let done = false;
    const deadline =
      timeout === undefined
        ? undefined
        : setDeadline(timeout, () => {
            if (done) return;
            done = true;
            onError(new ConnectionError(this.owner.describeServer(), `GET: no reply within ${timeout} ms`));
          });
    this.batcher.get(
      key,
      (reply) => {
        if (done) return;
        done = true;
        if (deadline !== undefined) clearDeadline(deadline);
        onReply(reply);
      },
      (error) => {
        if (done) return;
        done = true;
        if (deadline !== undefined) clearDeadline(deadline);
        onError(this.mapError(error, "get"));
      },
    );
  }

  /**
   * Races `promise` against a deadline of `ms` milliseconds (none when `ms` is undefined;
   * see deadlines.ts). The loser's outcome is ignored; nothing keeps the process alive.
   */
  deadline<T>(promise: Promise<T>, ms: number | undefined, what: string): Promise<T> {
    if (ms === undefined) return promise;
    return new Promise<T>((resolve, reject) => {
      const deadline = setDeadline(ms, () => reject(new ConnectionError(this.owner.describeServer(), `${what}: no reply within ${ms} ms`)));
      promise.then(
        (value) => {
          clearDeadline(deadline);
          resolve(value);
        },
        (error: unknown) => {
          clearDeadline(deadline);
          reject(error);
        },
      );
    });
  }

  /**
   * Splits `items` into groups whose keys share a cluster slot (one group on standalone),
   * each at most `max` long, preserving order inside a group.
   */
  bySlot<T>(items: readonly T[], keyOf: (item: T) => string, max = 1000): T[][] {
    const groups: T[][] = [];
    if (!this.owner.isCluster) {
      for (let i = 0; i < items.length; i += max) groups.push(items.slice(i, i + max));
      return groups;
    }
    const slots = new Map<number, T[]>();
    for (const item of items) {
      const slot = keySlot(keyOf(item));
      let group = slots.get(slot);
      if (!group) slots.set(slot, (group = []));
      group.push(item);
    }
    for (const group of slots.values()) for (let i = 0; i < group.length; i += max) groups.push(group.slice(i, i + max));
    return groups;
  }

  /** UNLINKs `keys` (grouped by slot on Cluster, batches sent concurrently); resolves how many existed. */
  async unlink(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const counts = await Promise.all(this.bySlot(keys, (k) => k).map((group) => this.send("unlink", group)));
    return counts.reduce<number>((sum, n) => sum + Number(n), 0);
  }

  /**
   * Iterates keys matching `pattern`, one SCAN page at a time, on the server or on every
   * master of a cluster. SCAN's guarantees apply: a key present for the whole iteration is
   * returned at least once (possibly more); keys added or removed meanwhile may or may not be.
   */
  async *scan(pattern: string, count = 1000): AsyncGenerator<string[]> {
    const client = this.owner.client as ClientLike & { nodes?: (role: string) => ClientLike[]; mastersKnown?: () => Promise<void> | undefined };
    // A cluster client that reads its masters asynchronously (GLIDE's adapter) may not know them yet.
    if (this.owner.isCluster) await client.mastersKnown?.();
    const nodes = this.owner.isCluster && typeof client.nodes === "function" ? client.nodes("master") : [client];
    for (const node of nodes) {
      let cursor = "0";
      do {
        let reply: unknown;
        try {
          reply = await node.call("scan", cursor, "MATCH", pattern, "COUNT", count);
        } catch (error) {
          throw this.mapError(error, "scan");
        }
        const page = toScanPage(reply);
        cursor = page.cursor;
        if (page.items.length > 0) yield page.items.map((k) => (Buffer.isBuffer(k) ? k.toString("utf8") : String(k)));
      } while (cursor !== "0");
    }
  }
}
