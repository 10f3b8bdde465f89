/**
 * The two ways commands reach Redis: {@link DirectExecutor} sends each command at once;
 * {@link BatchExecutor} queues them into one MULTI/EXEC or pipeline and settles every
 * queued promise after EXEC.
 */
import type { ClientBatch, ClientLike } from "./client";
import { isClusterClient } from "./client";
import { openBatch } from "./cluster-batch";
import type { Arg, Command } from "./command";
import { isNoScript, isReplyError, mapClientError } from "./client-errors";
import { ConnectionError, CrossSlotError, NarwhalError, ScriptError, TransactionError } from "./errors";
import type { ConnectionWatch } from "./connection-watch";
import { DOWN_TICKET } from "./connection-watch";
import { evalArgs, evalWire, queueBatch } from "./script-runner";
import { keySlot } from "./slot";

/** Throws {@link CrossSlotError} when `keys` do not all hash to one cluster slot. */
export function assertSameSlot(context: string, keys: readonly string[]): void {
  if (keys.length < 2) return;
  const slots = keys.map((key) => ({ key, slot: keySlot(key) }));
  const first = slots[0]!.slot;
  if (slots.some((s) => s.slot !== first)) throw new CrossSlotError(context, slots);
}

/** Maps anything a client threw while running `command` into a narwhal error (see client-errors.ts). */
export function mapError(error: unknown, command: Command<unknown>, server: () => string): Error {
  const label = command.script ? `EVALSHA ${command.script.name}` : command.name.toUpperCase();
  return mapClientError(error, label, server, command.script?.name);
}

/** The label of `command` in a ConnectionError (`HGET`, `EVALSHA`), computed only on failure. */
function wireLabel(name: string): string {
  return name.toUpperCase();
}

/**
 * Sends each command immediately on the Database's client. This is the hot path of every
 * container method, so per call it allocates only the argument array, one `then` and its
 * rejection handler: no async frame, no wrapper promise (except on ioredis, whose lost
 * commands connection-watch.ts must settle), and errors are classified only on rejection.
 */
export class DirectExecutor {
  readonly batched = false;
  /** The client takes argument arrays (`callArgs`): no rest-parameter spread per call. */
  private readonly arrays: boolean;
  /** The client takes a script call's whole argument array, name first (`sendArgs`): built once, never copied. */
  private readonly wire: boolean;
  private readonly cluster: boolean;

  constructor(
    private readonly client: ClientLike,
    private readonly server: () => string,
    /** Fails fast while down and settles lost commands (standalone clients only; see connection-watch.ts). */
    private readonly watch?: ConnectionWatch,
  ) {
    this.arrays = typeof client.callArgs === "function" && typeof client.callBufferArgs === "function" && typeof client.clientError === "function";
    this.wire = this.arrays && typeof client.sendArgs === "function";
    this.cluster = isClusterClient(client);
  }

  fail(error: unknown): Promise<never> {
    return Promise.reject(error);
  }

  /** Sends `name args` now; with a watch, refused at once while the client is down. `ticket`: see ConnectionWatch.ticket. */
  private send(name: string, args: readonly Arg[], binary: boolean, ticket: number): Promise<unknown> {
    const client = this.client;
    let sent: Promise<unknown>;
    if (this.arrays) sent = binary ? client.callBufferArgs!(name, args) : client.callArgs!(name, args);
    else sent = binary ? client.callBuffer(name, ...args) : client.call(name, ...args);
    return this.watch === undefined ? sent : this.watch.follow(sent, ticket, name);
  }

  /** Sends `command` (a script call) as `name` (`evalsha`/`eval`) with `head` (SHA1/body): one argument array, ready for the driver. */
  private sendScript(name: string, head: string, command: Command<unknown>, ticket: number): Promise<unknown> {
    if (!this.wire) return this.send(name, evalArgs(head, command.keys, command.args), command.binary, ticket);
    const sent = this.client.sendArgs!(evalWire(name, head, command.keys, command.args), command.binary);
    return this.watch === undefined ? sent : this.watch.follow(sent, ticket, name);
  }

  /** The narwhal error for a rejection of `command` (sent as `name` with `ticket`). */
  private failure(raw: unknown, command: Command<unknown>, name: string, ticket: number): Error {
    const error = this.clientError(raw);
    const watch = this.watch;
    if (watch !== undefined && !(error instanceof NarwhalError) && !isReplyError(error)) {
      return watch.failure(error, ticket, wireLabel(name));
    }
    return mapError(error, command, this.server);
  }

  /** A rejection of the client as `call` would have given it (callArgs leaves it raw; see client.ts). */
  private clientError(error: unknown): unknown {
    return this.arrays ? this.client.clientError!(error) : error;
  }

  /** A ticket for a call about to be sent, or a ConnectionError when the client is down. */
  private admit(name: string): number | ConnectionError {
    const watch = this.watch;
    if (watch === undefined) return -1;
    const ticket = watch.ticket();
    return ticket === DOWN_TICKET ? watch.refusal(wireLabel(name)) : ticket;
  }

  run<T>(command: Command<T>): Promise<T> {
    const script = command.script;
    const name = script ? "evalsha" : command.name;
    let sent: Promise<unknown>;
    let ticket: number;
    try {
      // Redis Cluster would answer CROSSSLOT; say which keys and slots instead, before sending.
      if (this.cluster && command.keys.length > 1) assertSameSlot(script ? `script "${script.name}"` : command.name.toUpperCase(), command.keys);
      const admitted = this.admit(name);
      if (typeof admitted !== "number") return Promise.reject(admitted);
      ticket = admitted;
      sent = script ? this.sendScript(name, script.sha, command, ticket) : this.send(name, command.args, command.binary, ticket);
    } catch (error) {
      return Promise.reject(mapError(error, command, this.server));
    }
    if (script) return sent.then(command.parse, (error: unknown) => this.noScript(error, command, ticket));
    // One `then` (no async frame): the hot path of every container method.
    return sent.then(command.parse, (error: unknown) => {
      throw this.failure(error, command, name, ticket);
    });
  }

  /**
   * A rejected EVALSHA: on NOSCRIPT the script did not run, so its body goes now with EVAL
   * (applied exactly once, in the caller's order: nothing of this call was sent in between;
   * see script-runner.ts); anything else is the call's error.
   */
  private noScript<T>(error: unknown, command: Command<T>, ticket: number): Promise<T> {
    if (!isNoScript(this.clientError(error))) return Promise.reject(this.failure(error, command, "evalsha", ticket));
    const script = command.script!;
    let sent: Promise<unknown>;
    let evalTicket: number;
    try {
      const admitted = this.admit("eval");
      if (typeof admitted !== "number") return Promise.reject(admitted);
      evalTicket = admitted;
      sent = this.sendScript("eval", script.lua, command, evalTicket);
    } catch (e) {
      return Promise.reject(mapError(e, command, this.server));
    }
    return sent.then(command.parse, (e: unknown) => {
      throw this.failure(e, command, "eval", evalTicket);
    });
  }
}

interface Queued {
  readonly command: Command<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Queues commands for one MULTI/EXEC (`atomic`) or one pipeline. Promises returned by
 * {@link run} settle only after {@link flush}, so code inside a transaction callback must
 * not await them. Scripts are loaded at the head of the batch and called by SHA1 (see
 * script-runner.ts for why that keeps them in order).
 */
export class BatchExecutor {
  readonly batched = true;
  private readonly queue: Queued[] = [];
  private closed = false;
  private poison: unknown = undefined;

  constructor(
    private readonly client: ClientLike,
    private readonly atomic: boolean,
    private readonly server: () => string,
    private readonly watch?: ConnectionWatch,
  ) {}

  run<T>(command: Command<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(new TransactionError("this transaction/pipeline has already been executed; use the Database instead"));
    }
    const promise = new Promise<T>((resolve, reject) => {
      this.queue.push({ command: command as Command<unknown>, resolve: resolve as (v: unknown) => void, reject });
    });
    // The transaction reports failures itself; an unobserved per-command rejection must not crash the process.
    promise.catch(() => undefined);
    return promise;
  }

  fail(error: unknown): Promise<never> {
    this.poison ??= error;
    const rejected = Promise.reject(error);
    // Reported by the transaction itself when it refuses to send.
    rejected.catch(() => undefined);
    return rejected;
  }

  /** Number of queued commands. */
  get size(): number {
    return this.queue.length;
  }

  /** Rejects every queued command without sending anything. */
  discard(reason: unknown): void {
    this.closed = true;
    const error = new TransactionError("transaction discarded: its callback failed or an argument was invalid", { cause: reason });
    for (const q of this.queue.splice(0)) q.reject(error);
  }

  /** Sends the queue as one MULTI/EXEC or pipeline, settles every promise, and returns the failures. */
  async flush(): Promise<Error[]> {
    if (this.poison !== undefined) {
      this.discard(this.poison);
      throw this.poison;
    }
    this.closed = true;
    const queue = this.queue.splice(0);
    if (queue.length === 0) return [];
    // Keys matter only on a Cluster (one slot; ioredis's routing): a standalone batch skips the list.
    const cluster = isClusterClient(this.client);
    const keys = cluster ? queue.flatMap((q) => q.command.keys) : [];
    if (cluster) assertSameSlot(this.atomic ? "transaction" : "pipeline", keys);
    const batch: ClientBatch = openBatch(this.client, this.atomic, keys);
    const { loads, loadIndex } = queueBatch(batch, queue.map((q) => q.command));
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await (this.watch ? this.watch.run(() => batch.exec(), this.atomic ? "EXEC" : "pipeline") : batch.exec());
    } catch (error) {
      const mapped = mapError(error, { name: this.atomic ? "exec" : "pipeline", keys: [], args: [], binary: false, parse: (r) => r }, this.server);
      for (const q of queue) q.reject(mapped);
      return [mapped];
    }
    if (results === null) {
      const aborted = new TransactionError("EXEC aborted: a watched key changed");
      for (const q of queue) q.reject(aborted);
      return [aborted];
    }
    const failures: Error[] = [];
    queue.forEach((q, i) => {
      const [error, reply] = results![loads + i] ?? [new TransactionError("missing reply"), undefined];
      try {
        if (error) throw this.replyFailure(error, q.command, results!, loadIndex);
        q.resolve(q.command.parse(reply));
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        failures.push(err);
        q.reject(err);
      }
    });
    return failures;
  }

  /** The error of one failed command; a script call reports why its SCRIPT LOAD failed, or that the cache was flushed mid-batch. */
  private replyFailure(error: Error, command: Command<unknown>, results: Array<[Error | null, unknown]>, loadIndex: ReadonlyMap<string, number>): Error {
    const script = command.script;
    if (!script || !isNoScript(error)) return mapError(error, command, this.server);
    const loadError = results[loadIndex.get(script.sha) ?? -1]?.[0];
    if (loadError) return mapError(loadError, command, this.server);
    // Loaded at the head of this batch, then gone: another client flushed the script cache in between.
    // The call did not run; re-running it now would put it after the commands queued behind it.
    return new ScriptError(script.name, "the script cache was flushed while this batch ran; the call did not run (not retried, to keep the batch's order)", { cause: error });
  }
}
