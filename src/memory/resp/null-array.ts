/**
 * RESP2 has two nils: the nil bulk `$-1` and the nil array `*-1`. The engine answers `null`
 * for both (protocol.ts: a Reply's nil is protocol-neutral, and RESP3, ioredis and Lua see one
 * nil), so the RESP2 writer needs the command to know which one Redis sends. Checked against
 * redis-server 7.0.15: a nil from the commands below is `*-1` — LPOP/RPOP with a count,
 * every blocking pop on timeout (BLMOVE and BRPOPLPUSH included), LMPOP/ZMPOP, XREAD(GROUP),
 * and EXEC aborted by WATCH — while `LPOP key` without a count, GET… are `$-1`.
 *
 * Inside MULTI the same holds for each queued command's reply in EXEC's array, so the
 * connection tracks what it queued with {@link QueuedNils}.
 */

const ALWAYS = new Set([
  "blpop",
  "brpop",
  "blmove",
  "brpoplpush",
  "lmpop",
  "blmpop",
  "zmpop",
  "bzmpop",
  "bzpopmin",
  "bzpopmax",
  "xread",
  "xreadgroup",
  "exec",
]);

/** True when a nil reply to this command is a nil array in RESP2 (`name` lower-case). */
export function nilIsArray(name: string, argc: number): boolean {
  if (name === "lpop" || name === "rpop") return argc >= 3;
  return ALWAYS.has(name);
}

/** The commands queued since MULTI, to render the nils inside EXEC's reply. */
export class QueuedNils {
  private queued: boolean[] | null = null;

  /** Records a command and its reply (`+QUEUED` while in MULTI). */
  observe(name: string, argc: number, ok: boolean, queued: boolean): void {
    if (name === "multi") {
      if (ok && this.queued === null) this.queued = [];
      return;
    }
    if (name === "discard" || name === "reset" || name === "exec") this.queued = null;
    else if (this.queued && queued) this.queued.push(nilIsArray(name, argc));
  }

  /** Commands queued since MULTI (-1: not in MULTI), CLIENT LIST's `multi=`. */
  get count(): number {
    return this.queued === null ? -1 : this.queued.length;
  }

  /** EXEC ran: which of its items are nil arrays (then forgets the queue). */
  takeForExec(): boolean[] {
    const q = this.queued ?? [];
    this.queued = null;
    return q;
  }
}
