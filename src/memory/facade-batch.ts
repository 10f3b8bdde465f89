/**
 * `client.pipeline()` and `client.multi()` of the memory facade. Commands are queued on the
 * client side and run when `exec()` is called, all at once, so nothing interleaves: a
 * pipeline resolves `[error, result][]` like ioredis; a MULTI sends MULTI … EXEC through the
 * engine, so queue-time errors reject `exec()` with EXECABORT (and `previousErrors`), a
 * WATCH conflict resolves `null`, and run-time errors appear per command. PUBLISH (which the
 * engine does not know: pub/sub lives in the facade) is queued in the engine's MULTI too.
 */
import { Buffer } from "node:buffer";
import type { MemoryClient } from "./facade";
import { toArgv } from "./facade-args";
import { defineCommandMethods } from "./facade-commands";
import { render, renderValue, replyError, ReplyError } from "./facade-render";
import { ErrorReply } from "./protocol";
import type { Reply } from "./protocol";

interface Queued {
  readonly name: string;
  readonly argv: Buffer[];
  readonly buffers: boolean;
}

export class MemoryBatch {
  private readonly queue: Queued[] = [];
  /** Bodies of the `defineCommand` scripts queued: loaded (SCRIPT LOAD) before the batch runs. */
  private readonly scripts = new Set<string>();

  constructor(
    private readonly client: MemoryClient,
    private readonly atomic: boolean,
  ) {
    client.installScripts(this, (name, buffers, args) => this.enqueue(name, buffers, args), (lua) => this.scripts.add(lua));
  }

  /** @internal Queues one command (the command methods call this). */
  enqueue(command: string, buffers: boolean, args: unknown[]): this {
    this.queue.push({ name: command.toLowerCase(), argv: toArgv(command, args), buffers });
    return this;
  }

  /** Queues PUBLISH (delivered at EXEC inside a MULTI, as Redis does). */
  publish(channel: unknown, message: unknown): this {
    return this.enqueue("publish", false, [channel, message]);
  }

  /** Queues a command (string replies). */
  call(command: string, ...args: unknown[]): this {
    return this.enqueue(command, false, args);
  }

  /** Queues a command (Buffer replies). */
  callBuffer(command: string, ...args: unknown[]): this {
    return this.enqueue(command, true, args);
  }

  /** Number of queued commands. */
  get length(): number {
    return this.queue.length;
  }

  /** Runs the queue; see the class comment for the result shapes. */
  async exec(): Promise<Array<[Error | null, unknown]> | null> {
    const queue = this.queue.splice(0);
    // A load failing (a syntax error) leaves the EVALSHA to answer NOSCRIPT, as with ioredis.
    for (const lua of this.scripts) {
      const loaded = this.client.dispatch([Buffer.from("script"), Buffer.from("load"), Buffer.from(lua)]);
      if (loaded instanceof Promise) await loaded.catch(() => undefined);
    }
    this.scripts.clear();
    if (this.atomic) return this.execMulti(queue);
    const results: Array<[Error | null, unknown]> = [];
    for (const q of queue) {
      const pending = q.name === "publish" ? this.client.publishArgv(q.argv) : this.client.dispatch(q.argv);
      results.push(settle(pending instanceof Promise ? await pending : pending, q));
    }
    return results;
  }

  private async execMulti(queue: Queued[]): Promise<Array<[Error | null, unknown]> | null> {
    if (queue.length === 0) return [];
    // MULTI … EXEC run synchronously: queued commands never block, so nothing can interleave.
    const begin = this.client.dispatch([Buffer.from("multi")]);
    if (begin instanceof ErrorReply) throw replyError(begin, "multi", []);
    const queueErrors: ReplyError[] = [];
    for (const q of queue) {
      const reply = q.name === "publish" ? this.client.publishArgv(q.argv) : this.client.dispatch(q.argv);
      if (reply instanceof ErrorReply) queueErrors.push(replyError(reply, q.name, q.argv.slice(1)));
    }
    const replies = this.client.dispatch([Buffer.from("exec")]);
    if (replies instanceof ErrorReply) {
      const error = replyError(replies, "exec", []);
      error.previousErrors = queueErrors;
      throw error;
    }
    if (replies === null) return null;
    if (replies instanceof Promise) throw new ReplyError("ERR unexpected blocking EXEC");
    const list = replies as readonly Reply[];
    return queue.map((q, i) => settle(list[i] ?? null, q));
  }
}

defineCommandMethods(MemoryBatch.prototype, (batch, name, buffers, args) => batch.enqueue(name, buffers, args));

function settle(reply: Reply, q: Queued): [Error | null, unknown] {
  if (reply instanceof ErrorReply) return [replyError(reply, q.name, q.argv.slice(1))] as unknown as [Error | null, unknown];
  try {
    return [null, render(reply, q.name, q.buffers, q.argv.slice(1))];
  } catch (error) {
    return [error instanceof Error ? error : new ReplyError(String(error)), renderValue(null, q.buffers)];
  }
}
