/**
 * A MULTI/EXEC or a pipeline on a node-redis connection, answering like ioredis's: `exec()`
 * resolves `[error, reply]` per command (an error reply is that command's error, the others
 * still answer; HGETALL as an object), or `null` when EXEC was aborted by WATCH.
 *
 * - MULTI: node-redis's own `multi()` (MULTI … EXEC written as one unit). Its replies come with
 *   one type mapping for the whole batch, so it runs with Buffers and the commands queued with
 *   `call` get theirs decoded as UTF-8, as ioredis does.
 * - Pipeline: each command with `sendCommand` in the same tick. node-redis writes them in order
 *   on the one connection, in one write (one round trip), and every command settles on its
 *   own. (node-redis's `execAsPipeline()` rejects as a whole on the first error reply, losing
 *   the other replies.)
 *
 * On a cluster the batch runs on the master of its first key (narwhal has already checked
 * that all its keys share a slot), so keyless commands in it (SCRIPT LOAD) go there too.
 */
import type { ClientBatch } from "../client";
import type { Arg } from "../command";
import type { NodeRedisArgument, NodeRedisClient } from "./node-redis-shape";
import { asReplyError, BUFFER_REPLIES, isWatchError, multiReplies, shaped, toArgs, toStrings } from "./node-redis-replies";
import { RESP3_BUFFER_MAPPING, RESP3_BUFFER_OPTIONS, RESP3_STRING_OPTIONS, resp3ToResp2, speaksResp3 } from "./node-redis-resp3";

/** The connection a batch runs on, given its commands (cluster: the master of the first key). */
export type BatchTarget = (commands: ReadonlyArray<readonly NodeRedisArgument[]>) => NodeRedisClient | Promise<NodeRedisClient>;

/** `typeMapping: {}` replaces any mapping the caller configured on the client: plain RESP2 decoding (strings, numbers). */
export const STRING_OPTIONS = { typeMapping: {} };
/** Bulk and simple strings as Buffers (`callBuffer`). */
export const BUFFER_OPTIONS = { typeMapping: BUFFER_REPLIES };

interface Queued {
  readonly args: NodeRedisArgument[];
  readonly binary: boolean;
}

export class NodeRedisBatch implements ClientBatch {
  private readonly queued: Queued[] = [];

  constructor(
    private readonly target: BatchTarget,
    /** MULTI/EXEC when true, else a pipeline. */
    private readonly atomic: boolean,
  ) {}

  call(command: string, ...args: Arg[]): this {
    this.queued.push({ args: toArgs(command, args), binary: false });
    return this;
  }

  callBuffer(command: string, ...args: Arg[]): this {
    this.queued.push({ args: toArgs(command, args), binary: true });
    return this;
  }

  async exec(): Promise<Array<[Error | null, unknown]> | null> {
    const connection = await this.target(this.queued.map((q) => q.args));
    return this.atomic ? this.multi(connection) : this.pipeline(connection);
  }

  private async pipeline(connection: NodeRedisClient): Promise<Array<[Error | null, unknown]>> {
    const resp3 = speaksResp3(connection);
    const [buffers, strings] = resp3 ? [RESP3_BUFFER_OPTIONS, RESP3_STRING_OPTIONS] : [BUFFER_OPTIONS, STRING_OPTIONS];
    const sent = this.queued.map((q) => connection.sendCommand(q.args, q.binary ? buffers : strings));
    const settled = await Promise.allSettled(sent);
    return settled.map((s, i): [Error | null, unknown] => {
      if (s.status === "rejected") return [asReplyError(s.reason) as Error, undefined];
      const q = this.queued[i]!;
      return [null, shaped(q.args, resp3 ? resp3ToResp2(q.args, s.value, q.binary) : s.value)];
    });
  }

  private async multi(connection: NodeRedisClient): Promise<Array<[Error | null, unknown]> | null> {
    const resp3 = speaksResp3(connection);
    const multi = connection.withTypeMapping(resp3 ? RESP3_BUFFER_MAPPING : BUFFER_REPLIES).multi();
    for (const q of this.queued) multi.addCommand(q.args);
    let replies: unknown[];
    try {
      replies = await multi.exec();
    } catch (error) {
      if (isWatchError(error)) return null;
      const partial = multiReplies(error);
      // Anything else (EXECABORT, a lost connection) fails the whole transaction, as with ioredis.
      if (!partial) throw asReplyError(error);
      replies = partial;
    }
    return this.queued.map((q, i): [Error | null, unknown] => {
      const reply = replies[i];
      if (reply instanceof Error) return [asReplyError(reply) as Error, undefined];
      const resp2 = resp3 ? resp3ToResp2(q.args, reply, true) : reply;
      return [null, shaped(q.args, q.binary ? resp2 : toStrings(resp2))];
    });
  }
}
