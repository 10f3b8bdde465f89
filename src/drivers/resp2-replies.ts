/**
 * An incremental RESP2 reply parser for {@link Resp2Connection}: bytes in, whole replies out,
 * whatever the chunking. Bulk strings stay Buffers (invalidation messages carry key names as
 * bytes), error replies become {@link Resp2ReplyError}s (handed over as values, not thrown),
 * a null bulk or null array becomes `null`. Arrays nest to any depth (iteratively: a hostile
 * server cannot overflow the stack).
 */

/** An error reply (`-ERR …`), with ioredis's name so narwhal's error mapping recognises it. */
export class Resp2ReplyError extends Error {
  override readonly name = "ReplyError";
}

export type Resp2Reply = string | number | Buffer | null | Resp2ReplyError | Resp2Reply[];

/** A reply line longer than this (no CRLF yet) is a broken or hostile stream. */
const MAX_LINE = 64 * 1024;

/** An array being filled: its items and how many are still missing. */
interface Frame {
  readonly items: Resp2Reply[];
  missing: number;
}

export class Resp2Parser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private readonly stack: Frame[] = [];

  /** Thrown-to-caller protocol violations (the connection closes on them). */
  static readonly ProtocolError = class extends Error {};

  /** Feeds `chunk` and returns every reply it completed, in order. */
  feed(chunk: Buffer): Resp2Reply[] {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    const out: Resp2Reply[] = [];
    for (;;) {
      const value = this.next();
      if (value === undefined) break;
      this.complete(value, out);
    }
    return out;
  }

  /** Places a parsed value into the array being filled, or into `out` at the top level. */
  private complete(value: Resp2Reply | Frame, out: Resp2Reply[]): void {
    let v: Resp2Reply | Frame = value;
    for (;;) {
      if (isFrame(v)) {
        if (v.missing > 0) return void this.stack.push(v);
        v = v.items;
      }
      const parent = this.stack[this.stack.length - 1];
      if (parent === undefined) return void out.push(v);
      parent.items.push(v);
      if (--parent.missing > 0) return;
      this.stack.pop();
      v = parent.items;
    }
  }

  /** The next value (an array header is returned as a Frame), or undefined when bytes are missing. */
  private next(): Resp2Reply | Frame | undefined {
    const nl = this.buf.indexOf("\r\n", this.pos, "latin1");
    if (nl < 0) {
      if (this.buf.length - this.pos > MAX_LINE) throw new Resp2Parser.ProtocolError("RESP reply line too long");
      return undefined;
    }
    const type = this.buf[this.pos];
    const line = this.buf.toString("utf8", this.pos + 1, nl);
    switch (type) {
      case 0x2b: // +
        this.pos = nl + 2;
        return line;
      case 0x2d: // -
        this.pos = nl + 2;
        return new Resp2ReplyError(line);
      case 0x3a: // :
        this.pos = nl + 2;
        return Number(line);
      case 0x24: {
        // $
        const n = integer(line);
        if (n < 0) {
          this.pos = nl + 2;
          return null;
        }
        if (this.buf.length < nl + 2 + n + 2) return undefined;
        const payload = Buffer.from(this.buf.subarray(nl + 2, nl + 2 + n)); // a copy: the chunk is not kept
        this.pos = nl + 2 + n + 2;
        return payload;
      }
      case 0x2a: {
        // *
        const n = integer(line);
        this.pos = nl + 2;
        if (n < 0) return null;
        return { items: [], missing: n };
      }
      default:
        throw new Resp2Parser.ProtocolError(`unexpected RESP type byte ${String(type)}`);
    }
  }
}

function isFrame(v: Resp2Reply | Frame): v is Frame {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Error);
}

function integer(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Resp2Parser.ProtocolError(`bad RESP length ${JSON.stringify(text)}`);
  return n;
}
