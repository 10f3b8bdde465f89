/**
 * What INFO stats / INFO errorstats report about the replies `narwhal serve` sent, as Redis
 * 7.0 counts them: every error reply a client received (top level or inside EXEC's array,
 * refusals like NOAUTH/BUSY/OOM included), by its code (the first word: `ERR`, `WRONGTYPE`…).
 * CONFIG RESETSTAT clears them.
 */
import { Buffer } from "node:buffer";
import { CountedErrorReply, ErrorReply, type Reply } from "../protocol";

/** Redis stops adding codes past 128 and counts the rest under this name. */
const MAX_CODES = 128;
const OVERFLOW = "ERRORSTATS_OVERFLOW";

export class ErrorStats {
  private readonly byCode = new Map<string, number>();
  /** INFO stats `total_error_replies`. */
  total = 0;

  /**
   * Counts `reply` if it is an error, and the errors among EXEC's items when `items` is set;
   * not a script's error that a command inside it produced (counted then: CountedErrorReply).
   */
  count(reply: Reply, items = false): void {
    if (reply instanceof ErrorReply) {
      if (!(reply instanceof CountedErrorReply)) this.add(reply.message);
    } else if (items && Array.isArray(reply)) for (const item of reply as readonly Reply[]) if (item instanceof ErrorReply && !(item instanceof CountedErrorReply)) this.add(item.message);
  }

  /** One error reply with this message. */
  add(message: string): void {
    this.total++;
    const space = message.indexOf(" ");
    let code = space < 0 ? message : message.slice(0, space);
    if (!this.byCode.has(code) && this.byCode.size >= MAX_CODES) code = OVERFLOW;
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.byCode.clear();
    this.total = 0;
  }

  /** INFO's `# Errorstats` section: one `errorstat_<code>:count=<n>` line per code, in byte order as Redis's rax. */
  section(): string {
    const codes = [...this.byCode.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return ["# Errorstats", ...codes.map((c) => `errorstat_${c}:count=${this.byCode.get(c)!}`)].join("\r\n");
  }
}
