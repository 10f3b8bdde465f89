/**
 * A streaming parser for client requests: RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\na\r\n`)
 * and inline commands (`GET a\r\n`, what `redis-cli` in a pipe or telnet sends), following
 * Redis 7.0's processMultibulkBuffer / processInlineBuffer: the same limits and the same
 * protocol-error texts. Written here rather than using `redis-parser`, which parses replies
 * (not requests, and not inline commands) and would be a runtime dependency.
 *
 * Linear in the bytes received: the parser keeps its place inside a multibulk request
 * (arguments read so far, the pending bulk length) between chunks, so a chunk is scanned
 * once; a big argument is gathered as a list of chunks and joined once when complete.
 */
import { Buffer } from "node:buffer";
import { copyOf, internName } from "../command-name";
import { splitArgs } from "./split-args";

export { splitArgs };

export class ProtocolError extends Error {}

/** Redis's PROTO_INLINE_MAX_SIZE: an inline request, or a `*`/`$` count line, may not exceed this. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Redis's proto-max-bulk-len default (512 MB). */
export const DEFAULT_PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/** Redis's PROTO_MBULK_BIG_ARG: arguments this big are gathered outside the query buffer. */
const BIG_ARG = 32 * 1024;
/** Limits before AUTH when a password is set (Redis: "unauthenticated multibulk/bulk length"). */
const UNAUTH_MAX_MULTIBULK = 10;
const UNAUTH_MAX_BULK = 16384;
const INT_MAX = 2 ** 31 - 1;
const EMPTY = Buffer.alloc(0);

export interface ParseResult {
  requests: Buffer[][];
  /** The protocol error that stopped parsing (the requests before the bad frame still count, as in Redis). */
  error?: string;
}

export class RequestParser {
  /** Unconsumed bytes (a partial frame) and where parsing resumes in them. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** The multibulk request in progress: its arguments so far and how many are missing. */
  private argv: Buffer[] | null = null;
  private missing = 0;
  /** Length of the bulk argument being read, -1 before its `$` line. */
  private bulkLen = -1;
  /** A big argument being gathered: its chunks and their total size. */
  private bigParts: Buffer[] | null = null;
  private bigSize = 0;
  /** Set by the connection while AUTH is required and not yet given. */
  unauthenticated = false;
  /** `proto-max-bulk-len`; the connection keeps it current (CONFIG SET). */
  maxBulkLen = DEFAULT_PROTO_MAX_BULK_LEN;

  /** Bytes of a partial request held (the connection's query buffer, as CLIENT LIST's qbuf). */
  get pending(): number {
    return this.buf.length - this.pos + this.bigSize;
  }

  /** Appends data and returns every complete request in it, plus the protocol error that stopped parsing, if any. */
  push(chunk: Buffer): ParseResult {
    const requests: Buffer[][] = [];
    if (this.bigParts) {
      chunk = this.gatherBig(chunk);
      if (this.bigParts) return { requests };
      if (this.missing === 0) this.finishRequest(requests);
    }
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    try {
      this.parse(requests);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.reset();
      return { requests, error: error.message };
    }
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    }
    return { requests };
  }

  private reset(): void {
    this.buf = EMPTY;
    this.pos = 0;
    this.argv = null;
    this.missing = 0;
    this.bulkLen = -1;
    this.bigParts = null;
    this.bigSize = 0;
  }

  private parse(requests: Buffer[][]): void {
    const buf = this.buf;
    while (this.pos < buf.length || this.argv) {
      if (!this.argv) {
        if (buf[this.pos] !== 42 /* * */) {
          if (!this.inline(requests)) return;
          continue;
        }
        let n: number | undefined = this.shortCount(42 /* * */);
        if (n < 0) {
          const nl = this.countLine("mbulk");
          if (nl < 0) return;
          n = parseStrictInt(buf, this.pos + 1, nl);
          if (n === undefined || n > INT_MAX) throw new ProtocolError("Protocol error: invalid multibulk length");
          this.pos = nl + 2;
        }
        if (n > UNAUTH_MAX_MULTIBULK && this.unauthenticated) throw new ProtocolError("Protocol error: unauthenticated multibulk length");
        if (n <= 0) continue;
        this.argv = [];
        this.missing = n;
      }
      while (this.missing > 0) {
        if (this.bulkLen < 0) {
          let n: number | undefined = this.shortCount(36 /* $ */);
          if (n < 0) {
            const nl = this.countLine("bulk");
            if (nl < 0) return;
            if (buf[this.pos] !== 36 /* $ */) {
              throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
            }
            n = parseStrictInt(buf, this.pos + 1, nl);
            if (n === undefined || n < 0) throw new ProtocolError("Protocol error: invalid bulk length");
            this.pos = nl + 2;
          }
          if (n > this.maxBulkLen) throw new ProtocolError("Protocol error: invalid bulk length");
          if (n > UNAUTH_MAX_BULK && this.unauthenticated) throw new ProtocolError("Protocol error: unauthenticated bulk length");
          this.bulkLen = n;
        }
        const available = buf.length - this.pos;
        if (available < this.bulkLen + 2) {
          if (this.bulkLen >= BIG_ARG) {
            // Gather it chunk by chunk: no re-copying of a growing buffer.
            this.bigParts = [buf.subarray(this.pos)];
            this.bigSize = available;
            this.buf = EMPTY;
            this.pos = 0;
          }
          return;
        }
        // A copy: a stored value must not pin the whole socket chunk it arrived in.
        // (allocUnsafe takes small ones from Node's pool; copyOf avoids a subarray view per argument.)
        // The command name (first argument) is shared between requests that spell it alike (command-name.ts).
        const argv = this.argv!;
        if (argv.length === 0) argv.push(internName(buf, this.pos, this.bulkLen));
        else argv.push(copyOf(buf, this.pos, this.bulkLen));
        // Like Redis, the two bytes after the payload are skipped without looking at them.
        this.pos += this.bulkLen + 2;
        this.bulkLen = -1;
        this.missing--;
      }
      this.finishRequest(requests);
    }
  }

  /**
   * The common count line, `type` (`*` or `$`) then 1 to 8 digits (no leading zero) and a CR
   * with a byte after it, read in one pass: moves past it and returns the count; -1 sends every
   * other line (zero, signs, a partial line, errors) to countLine + parseStrictInt.
   */
  private shortCount(type: number): number {
    const buf = this.buf;
    let i = this.pos;
    if (i + 3 >= buf.length || buf[i] !== type) return -1;
    let c = buf[++i]!;
    if (c < 49 || c > 57) return -1;
    let n = c - 48;
    const end = Math.min(buf.length - 1, i + 9);
    for (i++; i < end; i++) {
      c = buf[i]!;
      if (c === 13) break;
      if (c < 48 || c > 57) return -1;
      n = n * 10 + c - 48;
    }
    if (i >= end || buf[i] !== 13) return -1;
    this.pos = i + 2;
    return n;
  }

  private finishRequest(requests: Buffer[][]): void {
    requests.push(this.argv!);
    this.argv = null;
  }

  /** Feeds a chunk to the big argument being gathered; returns the bytes left over after it. */
  private gatherBig(chunk: Buffer): Buffer {
    const need = this.bulkLen + 2 - this.bigSize;
    if (chunk.length < need) {
      this.bigParts!.push(chunk);
      this.bigSize += chunk.length;
      return EMPTY;
    }
    this.bigParts!.push(chunk.subarray(0, need));
    const whole = Buffer.concat(this.bigParts!, this.bulkLen + 2);
    this.argv!.push(whole.subarray(0, this.bulkLen));
    this.bigParts = null;
    this.bigSize = 0;
    this.bulkLen = -1;
    this.missing--;
    return chunk.subarray(need);
  }

  /**
   * The index of the `\r` ending a `*`/`$` count line, or -1 when it is not all here yet.
   * Like Redis, more than 64 KB without one is an error.
   */
  private countLine(kind: "mbulk" | "bulk"): number {
    const buf = this.buf;
    // A count line is a few bytes (`$16`): a loop finds its CR for less than indexOf's native call.
    const near = Math.min(buf.length, this.pos + 32);
    let cr = -1;
    for (let i = this.pos; i < near; i++) {
      if (buf[i] === 13) {
        cr = i;
        break;
      }
    }
    if (cr < 0 && near < buf.length) cr = buf.indexOf(13, near);
    if (cr < 0) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError(`Protocol error: too big ${kind} count string`);
      return -1;
    }
    return cr + 1 < buf.length ? cr : -1;
  }

  /** One inline request (a line); false when the line is not complete yet. */
  private inline(requests: Buffer[][]): boolean {
    const buf = this.buf;
    const start = this.pos;
    let nl = buf.indexOf(10, start);
    // Redis finds the newline with strchr, which stops at a NUL byte: such a line never ends.
    if (nl >= 0) {
      const nul = buf.indexOf(0, start);
      if (nul >= 0 && nul < nl) nl = -1;
    }
    if (nl < 0) {
      if (buf.length - start > PROTO_INLINE_MAX_SIZE) throw new ProtocolError("Protocol error: too big inline request");
      return false;
    }
    const stop = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
    const argv = splitArgs(buf, start, stop);
    if (!argv) throw new ProtocolError("Protocol error: unbalanced quotes in request");
    this.pos = nl + 1;
    if (argv.length > 0) requests.push(argv);
    return true;
  }
}

/**
 * Redis's string2ll over `buf[start, end)`: an optional `-`, no `+`, no leading zeros, no
 * spaces, within 64-bit range. Undefined when it is not such a number.
 */
export function parseStrictInt(buf: Buffer, start: number, end: number): number | undefined {
  const len = end - start;
  if (len <= 0 || len > 20) return undefined;
  let i = start;
  let negative = false;
  if (buf[i] === 45 /* - */) {
    negative = true;
    i++;
    if (i === end) return undefined;
  }
  if (buf[i] === 48 /* 0 */) return len === 1 ? 0 : undefined;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  // Beyond 2^53 the value is approximate, but every limit it is compared with is far below that.
  if (n > 9223372036854775807) return undefined;
  return negative ? -n : n;
}
