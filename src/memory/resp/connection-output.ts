/**
 * The reply side of one connection: the batch writer, socket writes, `client-output-buffer-limit`
 * (normal or pubsub class, whichever the client is in now) and back-pressure (a client that
 * does not read its replies stops being read until it does).
 */
import type { Socket } from "node:net";
import { type OutputLimit, OutputLimitCheck, UNLIMITED_REPLY_CAP } from "./output-limits";
import { ReplyWriter } from "./writer";

export class ConnectionOutput {
  readonly writer = new ReplyWriter();
  private readonly limitCheck = new OutputLimitCheck();

  constructor(
    private readonly socket: Socket,
    /** The limit of the client's class now (pubsub while subscribed). */
    private readonly limit: () => OutputLimit,
    /** Called when the pending output passed the limit (the connection closes the client). */
    private readonly overLimit: () => void,
  ) {}

  /** Sends what the writer holds. */
  flush(): void {
    if (this.writer.length === 0 || this.socket.destroyed) return;
    this.socket.write(this.writer.take());
    if (this.limitCheck.exceeded(this.limit(), this.socket.writableLength)) this.overLimit();
  }

  /** The writer may take what is left under the hard limit (or the cap for a single batch when there is none). */
  arm(): void {
    const hard = this.limit().hard;
    this.writer.limit = hard > 0 ? Math.max(0, hard - this.socket.writableLength) : UNLIMITED_REPLY_CAP;
  }

  /**
   * True when the socket's buffer is full and the client's class has no limit: stop reading
   * until {@link writable} resolves (bounded memory where Redis would grow without end). Under
   * a limit Redis keeps executing a client that does not read and closes it at the hard limit,
   * or once it stayed over the soft one for its seconds, and so does this.
   */
  get full(): boolean {
    if (!this.socket.writableNeedDrain) return false;
    const { hard, soft } = this.limit();
    return hard === 0 && soft === 0;
  }

  /** Stops reading and resolves when the socket can take more (or is gone); reading resumes unless `resume` says no. */
  writable(resume: () => boolean): Promise<void> {
    const socket = this.socket;
    socket.pause();
    return new Promise((resolve) => {
      const done = () => {
        socket.off("drain", done);
        socket.off("close", done);
        if (resume()) socket.resume();
        resolve();
      };
      socket.on("drain", done);
      socket.on("close", done);
    });
  }
}
