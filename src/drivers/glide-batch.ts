/**
 * A MULTI/EXEC or a pipeline on a GLIDE connection, answering like ioredis's: `exec()` resolves
 * `[error, reply]` per command (an error reply is that command's error, the others still
 * answer), through GLIDE's `Batch` (atomic: MULTI … EXEC; else a pipeline, one round trip) run
 * with `raiseOnError: false`, so an error reply comes back in its slot.
 *
 * One decoder serves a whole GLIDE batch, so it runs with Bytes and the commands queued with
 * `call` get theirs decoded as UTF-8, as ioredis does. narwhal never WATCHes, so an EXEC
 * answered null (a WATCHed key changed) is passed on as null.
 *
 * On a cluster (glide-cluster.ts) the batch is GLIDE's `ClusterBatch`, sent with the route
 * `route` gives for the queued commands (a MULTI: the slot of its first key; a pipeline whose
 * keys share one slot: that slot, so its SCRIPT LOADs run where its EVALSHAs do; else none,
 * and GLIDE sends each command to the master of its key).
 *
 * A MULTI with a command Redis refuses while queueing (arity, unknown command) is rejected
 * whole by GLIDE with that command's error (ioredis: EXECABORT); nothing of it ran either way.
 */
import type { ClientBatch } from "../client";
import type { Arg } from "../command";
import { shaped, toStrings } from "./node-redis-replies";
import { glideError, toResp2 } from "./glide-replies";
import { DECODER_BYTES, loadGlide, type GlideNative, type GlideRoute } from "./glide-shape";
import { glideArgs } from "./glide-args";

interface Queued {
  readonly args: Arg[];
  readonly binary: boolean;
}

const BYTES = { decoder: DECODER_BYTES };

export class GlideBatch implements ClientBatch {
  private readonly queued: Queued[] = [];

  constructor(
    /** The connection the batch runs on (waits for a connection still being opened). */
    private readonly target: () => GlideNative | Promise<GlideNative>,
    /** MULTI/EXEC when true, else a pipeline. */
    private readonly atomic: boolean,
    /** Told about every failure of the connection (the adapter's connection events). */
    private readonly failed: (error: unknown) => void,
    /** On a cluster: the route of the batch, given its commands' arguments (undefined: GLIDE's own routing). */
    private readonly route?: (commands: ReadonlyArray<readonly Arg[]>) => GlideRoute | undefined,
    /** Runs the request within the client's in-flight limit (glide-base.ts). */
    private readonly gate: <T>(request: () => Promise<T>) => Promise<T> = (request) => request(),
  ) {}

  call(command: string, ...args: Arg[]): this {
    this.queued.push({ args: [command, ...args], binary: false });
    return this;
  }

  callBuffer(command: string, ...args: Arg[]): this {
    this.queued.push({ args: [command, ...args], binary: true });
    return this;
  }

  async exec(): Promise<Array<[Error | null, unknown]> | null> {
    const [glide, native] = await Promise.all([loadGlide(), this.target()]);
    const batch = new (this.route ? glide.ClusterBatch : glide.Batch)(this.atomic);
    for (const q of this.queued) batch.customCommand(glideArgs(q.args));
    const route = this.route?.(this.queued.map((q) => q.args));
    let replies: unknown[] | null;
    try {
      replies = await this.gate(() => native.exec(batch, false, route === undefined ? BYTES : { ...BYTES, route }));
    } catch (error) {
      this.failed(error);
      throw glideError(error);
    }
    if (replies === null) return null;
    return this.queued.map((q, i): [Error | null, unknown] => {
      const reply = replies[i];
      if (reply instanceof Error) return [glideError(reply) as Error, undefined];
      const resp2 = toResp2(q.args, reply, true);
      return [null, shaped(q.args as string[], q.binary ? resp2 : toStrings(resp2))];
    });
  }
}
