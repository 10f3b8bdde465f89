/**
 * A pub/sub subscriber on every channel (PSUBSCRIBE *) that records `channel message` lines, for
 * comparing keyspace-notification streams; a message on `narwhal-mark` closes a command's share.
 * Works with ioredis and with a MemoryClient (both emit `pmessageBuffer`).
 */
import type { EventEmitter } from "node:events";

interface PatternSubscriber extends EventEmitter {
  psubscribe(...patterns: string[]): Promise<unknown>;
  disconnect(): void;
}

const MARK = "narwhal-mark";

export class NotificationLog {
  private lines: string[] = [];
  private readonly marks = new Map<string, string[]>();
  private readonly waiters = new Map<string, (lines: string[]) => void>();

  private constructor(private readonly client: PatternSubscriber) {
    client.on("pmessageBuffer", (_pattern: unknown, channel: Buffer, message: Buffer) => {
      const ch = channel.toString("latin1");
      if (ch !== MARK) return void this.lines.push(`${ch} ${message.toString("latin1")}`);
      const mark = message.toString("latin1");
      const taken = this.lines;
      this.lines = [];
      const waiter = this.waiters.get(mark);
      if (waiter) {
        this.waiters.delete(mark);
        waiter(taken);
      } else this.marks.set(mark, taken);
    });
  }

  static async subscribe(client: PatternSubscriber): Promise<NotificationLog> {
    const log = new NotificationLog(client);
    await client.psubscribe("*");
    return log;
  }

  /** The lines received before the marker `mark` (waits up to 5 s for it). */
  until(mark: string): Promise<string[]> {
    const ready = this.marks.get(mark);
    if (ready) {
      this.marks.delete(mark);
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no marker ${mark} within 5 s (received so far: ${JSON.stringify(this.lines)})`)), 5000);
      this.waiters.set(mark, (lines) => {
        clearTimeout(timer);
        resolve(lines);
      });
    });
  }

  close(): void {
    this.client.disconnect();
  }
}
