/**
 * A streaming parser for client requests: RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\na\r\n`)
 * and inline commands (`GET a\r\n`, what `redis-cli` in a pipe or telnet sends), with
 * Redis's protocol-error wording. Written here rather than using `redis-parser`, which
 * parses replies (not requests, and not inline commands) and would be a runtime dependency.
 */

export class ProtocolError extends Error {}

const MAX_MULTIBULK = 1024 * 1024;
const MAX_BULK = 512 * 1024 * 1024;
const MAX_INLINE = 64 * 1024;

export class RequestParser {
  private buf: Buffer = Buffer.alloc(0);

  /**
   * Appends data and returns every complete request in it, plus the protocol error that
   * stopped parsing, if any (the requests before the bad frame still count, as in Redis).
   */
  push(chunk: Buffer): { requests: Buffer[][]; error?: string } {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const requests: Buffer[][] = [];
    let off = 0;
    try {
      while (off < this.buf.length) {
        const parsed = this.buf[off] === 42 /* * */ ? this.multibulk(off) : this.inline(off);
        if (!parsed) break;
        off = parsed.next;
        if (parsed.argv.length > 0) requests.push(parsed.argv);
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.buf = Buffer.alloc(0);
      return { requests, error: error.message };
    }
    this.buf = off >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
    return { requests };
  }

  /** Reads a `\r\n`-terminated integer after a type byte; undefined when incomplete. */
  private line(off: number): { value: string; next: number } | undefined {
    const end = this.buf.indexOf(13, off);
    if (end < 0 || end + 1 >= this.buf.length) {
      if (this.buf.length - off > MAX_INLINE) throw new ProtocolError("Protocol error: too big mbulk count string");
      return undefined;
    }
    return { value: this.buf.toString("latin1", off, end), next: end + 2 };
  }

  private multibulk(start: number): { argv: Buffer[]; next: number } | undefined {
    const head = this.line(start + 1);
    if (!head) return undefined;
    const count = Number(head.value);
    if (!/^-?\d+$/.test(head.value) || count > MAX_MULTIBULK) throw new ProtocolError("Protocol error: invalid multibulk length");
    let off = head.next;
    const argv: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      if (off >= this.buf.length) return undefined;
      if (this.buf[off] !== 36 /* $ */) {
        throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(this.buf[off]!)}'`);
      }
      const len = this.line(off + 1);
      if (!len) return undefined;
      const n = Number(len.value);
      if (!/^\d+$/.test(len.value) || n > MAX_BULK) throw new ProtocolError("Protocol error: invalid bulk length");
      if (len.next + n + 2 > this.buf.length) return undefined;
      // A copy: a stored value must not pin the whole socket chunk it arrived in.
      argv.push(Buffer.from(this.buf.subarray(len.next, len.next + n)));
      off = len.next + n + 2;
    }
    return { argv, next: off };
  }

  private inline(start: number): { argv: Buffer[]; next: number } | undefined {
    const end = this.buf.indexOf(10, start);
    if (end < 0) {
      if (this.buf.length - start > MAX_INLINE) throw new ProtocolError("Protocol error: too big inline request");
      return undefined;
    }
    const stop = end > start && this.buf[end - 1] === 13 ? end - 1 : end;
    return { argv: splitArgs(this.buf.toString("latin1", start, stop)), next: end + 1 };
  }
}

/** Redis's sdssplitargs: whitespace-separated words, "double quotes" with escapes, 'single quotes'. */
export function splitArgs(line: string): Buffer[] {
  const args: Buffer[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i]!)) i++;
    if (i >= n) break;
    let cur = "";
    const q = line[i];
    if (q === '"' || q === "'") {
      i++;
      let closed = false;
      while (i < n) {
        const c = line[i]!;
        if (q === '"' && c === "\\" && i + 1 < n) {
          const e = line[i + 1]!;
          if (e === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          cur += ({ n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" } as Record<string, string>)[e] ?? e;
          i += 2;
          continue;
        }
        if (q === "'" && c === "\\" && line[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        }
        if (c === q) {
          closed = true;
          i++;
          break;
        }
        cur += c;
        i++;
      }
      if (!closed || (i < n && !/\s/.test(line[i]!))) throw new ProtocolError("Protocol error: unbalanced quotes in request");
    } else {
      while (i < n && !/\s/.test(line[i]!)) cur += line[i++];
    }
    args.push(Buffer.from(cur, "latin1"));
  }
  return args;
}
