/**
 * Renders {@link Reply} values as RESP2 or RESP3 frames into one growing buffer per batch, so
 * a pipelined burst of commands is answered with a single socket write.
 *
 * RESP2: double → bulk string (`%.17g`, `inf`/`-inf`), map → flat array, set → array, nil → `$-1`
 * (or `*-1` where the command answers a nil array: see null-array.ts).
 * RESP3: double → `,`, map → `%`, set → `~`, nil → `_`.
 *
 * Headers are written byte by byte (no template strings, no UTF-8 encoder on the hot path);
 * nesting deeper than {@link RECURSION_LIMIT} is rendered with an explicit stack, so a
 * 100k-level reply cannot overflow the JavaScript stack.
 */
import { Buffer } from "node:buffer";
import { formatDouble } from "../format-double";
import { DoubleReply, ErrorReply, MapReply, SetReply, StatusReply, type Reply } from "../protocol";

/** Thrown when a reply would take the client's output past its limit (the connection closes the client, as Redis does). */
export class OutputLimitError extends Error {}

const RECURSION_LIMIT = 256;
const NIL2 = Buffer.from("$-1\r\n");
const NIL_ARRAY2 = Buffer.from("*-1\r\n");
const NIL3 = Buffer.from("_\r\n");
const OK = Buffer.from("+OK\r\n");
const QUEUED = Buffer.from("+QUEUED\r\n");
const PONG = Buffer.from("+PONG\r\n");
/** `:0\r\n` … `:1023\r\n`, the integers most replies carry. */
const SMALL_INTS = Array.from({ length: 1024 }, (_, i) => Buffer.from(`:${i}\r\n`));

export class ReplyWriter {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private len = 0;
  /** Bytes this writer may hold before {@link OutputLimitError} (Infinity: no limit). */
  limit = Infinity;

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    if (this.len + n > this.limit) throw new OutputLimitError("output buffer limit reached");
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends ASCII-only text (frame headers). */
  private ascii(s: string): void {
    this.reserve(s.length);
    this.len += this.buf.write(s, this.len, "latin1");
  }

  /** Appends a type byte, a decimal integer and CRLF (`$12\r\n`, `*3\r\n`, `:-5\r\n`). */
  private header(type: number, n: number): void {
    this.reserve(24);
    const buf = this.buf;
    let at = this.len;
    buf[at++] = type;
    if (n < 0) {
      buf[at++] = 45;
      n = -n;
    }
    if (n < 10) buf[at++] = 48 + n;
    else if (n < 1e15) {
      // Count the digits, then write them from the last one back (no view or string per header).
      let digits = 1;
      for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
      at += digits;
      for (let i = at - 1; n > 0; i--) {
        buf[i] = 48 + (n % 10);
        n = Math.floor(n / 10);
      }
    } else at += buf.write(String(BigInt(n)), at, "latin1");
    buf[at++] = 13;
    buf[at++] = 10;
    this.len = at;
  }

  bytes(b: Buffer): void {
    this.reserve(b.length);
    this.copyIn(b);
  }

  bulk(b: Buffer): void {
    this.header(36, b.length);
    this.reserve(b.length + 2);
    this.copyIn(b);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** Appends `b` (room reserved): small ones by a loop, cheaper than Buffer#copy's call for a few bytes. */
  private copyIn(b: Buffer): void {
    const n = b.length;
    if (n <= 32) {
      const buf = this.buf;
      const at = this.len;
      for (let i = 0; i < n; i++) buf[at + i] = b[i]!;
    } else b.copy(this.buf, this.len);
    this.len += n;
  }

  /** A `+`/`-` line: bytes as they are (a string of chars ≤ 0xFF is a byte string), CR and LF turned into spaces. */
  private line(type: "+" | "-", s: string): void {
    if (s.includes("\r") || s.includes("\n")) s = s.replace(/[\r\n]/g, " ");
    // eslint-disable-next-line no-control-regex
    const encoding = /[^\u0000-\u00ff]/.test(s) ? "utf8" : "latin1";
    this.reserve(s.length * 3 + 3);
    this.buf[this.len++] = type === "+" ? 43 : 45;
    this.len += this.buf.write(s, this.len, encoding);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** The most bytes taken at once (CLIENT LIST `rbp`). */
  peak = 0;

  /** The reply buffer's size now (CLIENT LIST `rbs`). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Takes the bytes written so far and resets. */
  take(): Buffer {
    if (this.len > this.peak) this.peak = this.len;
    if (this.len >= 64 * 1024) {
      // Hand the big buffer over instead of copying it.
      const out = this.buf.subarray(0, this.len);
      this.buf = Buffer.allocUnsafe(16 * 1024);
      this.len = 0;
      return out;
    }
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }

  /** Drops what was written and not taken (a client closed without its pending replies). */
  discard(): void {
    this.len = 0;
    if (this.buf.length > 1024 * 1024) this.buf = Buffer.allocUnsafe(16 * 1024);
  }

  /** Writes one reply; `nullArray` renders a RESP2 nil as `*-1` (the command answers a nil array). */
  reply(r: Reply, proto: 2 | 3, nullArray = false): void {
    if (r === null) return this.bytes(proto === 3 ? NIL3 : nullArray ? NIL_ARRAY2 : NIL2);
    this.render(r, proto, 0);
  }

  /** An array header `*n` (EXEC's reply, whose items the caller writes). */
  arrayHeader(n: number): void {
    this.header(42, n);
  }

  private render(r: Reply, proto: 2 | 3, depth: number): void {
    if (typeof r === "number") return this.integer(r);
    if (r === null) return this.bytes(proto === 3 ? NIL3 : NIL2);
    if (Buffer.isBuffer(r)) return this.bulk(r);
    // 64-bit integer replies, should the engine produce them as bigint.
    if (typeof (r as unknown) === "bigint") return this.ascii(`:${String(r)}\r\n`);
    if (depth >= RECURSION_LIMIT) return this.renderDeep(r, proto);
    if (Array.isArray(r)) {
      const items = r as readonly Reply[];
      this.header(42, items.length);
      for (let i = 0; i < items.length; i++) this.render(items[i]!, proto, depth + 1);
      return;
    }
    if (r instanceof StatusReply) {
      if (r.value === "OK") return this.bytes(OK);
      if (r.value === "QUEUED") return this.bytes(QUEUED);
      if (r.value === "PONG") return this.bytes(PONG);
      return this.line("+", r.value);
    }
    if (r instanceof ErrorReply) return this.line("-", r.message);
    if (r instanceof DoubleReply) {
      const s = formatDouble(r.value);
      if (proto === 2) return this.bulk(Buffer.from(s, "latin1"));
      return this.ascii(`,${s}\r\n`);
    }
    if (r instanceof MapReply) {
      this.header(proto === 3 ? 37 : 42, proto === 3 ? r.entries.length : r.entries.length * 2);
      for (const [k, v] of r.entries) {
        this.render(k, proto, depth + 1);
        this.render(v, proto, depth + 1);
      }
      return;
    }
    if (r instanceof SetReply) {
      this.header(proto === 3 ? 126 : 42, r.items.length);
      for (const item of r.items) this.render(item, proto, depth + 1);
      return;
    }
    this.bytes(proto === 3 ? NIL3 : NIL2);
  }

  private integer(n: number): void {
    if (n >= 0 && n < 1024 && Number.isInteger(n)) return this.bytes(SMALL_INTS[n]!);
    this.header(58, Number.isSafeInteger(n) ? n : Math.trunc(n));
  }

  /** The same rendering with an explicit stack of pending items (deeply nested replies). */
  private renderDeep(root: Reply, proto: 2 | 3): void {
    const stack: Reply[] = [root];
    while (stack.length > 0) {
      const r = stack.pop()!;
      let children: readonly Reply[] | undefined;
      if (Array.isArray(r)) {
        children = r as readonly Reply[];
        this.header(42, children.length);
      } else if (r instanceof MapReply) {
        this.header(proto === 3 ? 37 : 42, proto === 3 ? r.entries.length : r.entries.length * 2);
        children = r.entries.flat();
      } else if (r instanceof SetReply) {
        this.header(proto === 3 ? 126 : 42, r.items.length);
        children = r.items;
      } else {
        this.render(r, proto, 0);
        continue;
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }

  /** A pub/sub message: a push frame (`>`) in RESP3, an array in RESP2. */
  push(items: readonly Reply[], proto: 2 | 3): void {
    this.header(proto === 3 ? 62 : 42, items.length);
    for (const item of items) this.render(item, proto, 1);
  }
}
