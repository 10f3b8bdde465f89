/**
 * Renders {@link Reply} values as RESP2 or RESP3 frames into one growing buffer per batch, so
 * a pipelined burst of commands is answered with a single socket write.
 *
 * RESP2: double → bulk string (`%.17g`, `inf`/`-inf`), map → flat array, set → array, nil → `$-1`.
 * RESP3: double → `,`, map → `%`, set → `~`, nil → `_`.
 */
import { formatDouble } from "../format-double";
import { DoubleReply, ErrorReply, MapReply, SetReply, StatusReply, type Reply } from "../protocol";

const CRLF = "\r\n";

export class ReplyWriter {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends text (UTF-8). */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.len += this.buf.write(s, this.len, "utf8");
  }

  bytes(b: Buffer): void {
    this.reserve(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }

  bulk(b: Buffer): void {
    this.text(`$${b.length}${CRLF}`);
    this.bytes(b);
    this.text(CRLF);
  }

  /** Takes the bytes written so far (a copy) and resets. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    if (this.buf.length > 1024 * 1024) this.buf = Buffer.allocUnsafe(16 * 1024);
    return out;
  }

  reply(r: Reply, proto: 2 | 3): void {
    if (typeof r === "number") return this.text(`:${Number.isSafeInteger(r) ? r : BigInt(Math.trunc(r))}${CRLF}`);
    if (r === null) return this.text(proto === 3 ? `_${CRLF}` : `$-1${CRLF}`);
    if (Buffer.isBuffer(r)) return this.bulk(r);
    if (Array.isArray(r)) {
      const items = r as readonly Reply[];
      this.text(`*${items.length}${CRLF}`);
      for (const item of items) this.reply(item, proto);
      return;
    }
    if (r instanceof StatusReply) return this.text(`+${oneLine(r.value)}${CRLF}`);
    if (r instanceof ErrorReply) return this.text(`-${oneLine(r.message)}${CRLF}`);
    if (r instanceof DoubleReply) {
      const s = formatDouble(r.value);
      return proto === 3 ? this.text(`,${s}${CRLF}`) : this.bulk(Buffer.from(s));
    }
    if (r instanceof MapReply) {
      this.text(proto === 3 ? `%${r.entries.length}${CRLF}` : `*${r.entries.length * 2}${CRLF}`);
      for (const [k, v] of r.entries) {
        this.reply(k, proto);
        this.reply(v, proto);
      }
      return;
    }
    if (r instanceof SetReply) {
      this.text(`${proto === 3 ? "~" : "*"}${r.items.length}${CRLF}`);
      for (const item of r.items) this.reply(item, proto);
      return;
    }
    this.text(proto === 3 ? `_${CRLF}` : `$-1${CRLF}`);
  }

  /** A pub/sub message: a push frame (`>`) in RESP3, an array in RESP2. */
  push(items: readonly Reply[], proto: 2 | 3): void {
    this.text(`${proto === 3 ? ">" : "*"}${items.length}${CRLF}`);
    for (const item of items) this.reply(item, proto);
  }
}

function oneLine(s: string): string {
  return s.includes("\r") || s.includes("\n") ? s.replace(/[\r\n]/g, " ") : s;
}
