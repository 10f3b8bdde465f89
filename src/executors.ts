/**
 * The two ways commands reach Redis: {@link DirectExecutor} sends each command at once;
 * {@link BatchExecutor} queues them into one MULTI/EXEC or pipeline and settles every
 * queued promise after EXEC.
 */
import calculateSlot from "cluster-key-slot";
import type { ClientBatch, ClientLike } from "./client";
import { isClusterClient } from "./client";
import type { Arg, Command } from "./command";
import { isNoScript, mapClientError } from "./client-errors";
import { CrossSlotError, ScriptError, TransactionError } from "./errors";
import type { ConnectionWatch } from "./connection-watch";
import { queueBatch, runScript } from "./script-runner";

/** Throws {@link CrossSlotError} when `keys` do not all hash to one cluster slot. */
export function assertSameSlot(context: string, keys: readonly string[]): void {
  if (keys.length < 2) return;
  const slots = keys.map((key) => ({ key, slot: calculateSlot(key) }));
  const first = slots[0]!.slot;
  if (slots.some((s) => s.slot !== first)) throw new CrossSlotError(context, slots);
}

/** Maps anything a client threw while running `command` into a narwhal error (see client-errors.ts). */
export function mapError(error: unknown, command: Command<unknown>, server: () => string): Error {
  const label = command.script ? `EVALSHA ${command.script.name}` : command.name.toUpperCase();
  return mapClientError(error, label, server, command.script?.name);
}

/** Sends each command immediately on the Database's client. */
export class DirectExecutor {
  readonly batched = false;

  constructor(
    private readonly client: ClientLike,
    private readonly server: () => string,
    /** Fails fast while down and settles lost commands (standalone ioredis only; see connection-watch.ts). */
    private readonly watch?: ConnectionWatch,
  ) {}

  fail(error: unknown): Promise<never> {
    return Promise.reject(error);
  }

  private send(name: string, args: readonly Arg[], binary: boolean): Promise<unknown> {
    const send = () => (binary ? this.client.callBuffer(name, ...args) : this.client.call(name, ...args));
    return this.watch ? this.watch.run(send, name.toUpperCase()) : send();
  }

  run<T>(command: Command<T>): Promise<T> {
    if (command.script) return this.runScript(command);
    const client = this.client;
    let sent: Promise<unknown>;
    try {
      // Redis Cluster would answer CROSSSLOT; say which keys and slots instead, before sending.
      if (command.keys.length > 1 && isClusterClient(client)) assertSameSlot(command.name.toUpperCase(), command.keys);
      sent = this.send(command.name, command.args, command.binary);
    } catch (error) {
      return Promise.reject(mapError(error, command, this.server));
    }
    // One `then` (no async frame): the hot path of every container method.
    return sent.then(command.parse, (error: unknown) => {
      throw mapError(error, command, this.server);
    });
  }

  private async runScript<T>(command: Command<T>): Promise<T> {
    const client = this.client;
    const script = command.script!;
    const send = (name: string, args: readonly Arg[]) => this.send(name, args, command.binary);
    let reply: unknown;
    try {
      if (isClusterClient(client)) assertSameSlot(`script "${script.name}"`, command.keys);
      reply = await runScript(send, script, command.keys, command.args);
    } catch (error) {
      throw mapError(error, command, this.server);
    }
    return command.parse(reply);
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
    if (isClusterClient(this.client)) {
      assertSameSlot(this.atomic ? "transaction" : "pipeline", queue.flatMap((q) => q.command.keys));
    }
    const batch: ClientBatch = this.atomic ? this.client.multi() : this.client.pipeline();
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
