/**
 * `db.counter(name)`: an exact integer counter at `<prefix>:<name>` (a plain Redis integer
 * string, readable with GET by any client). Every write is one atomic command (INCRBY) or, with
 * an idle ttl, one script (INCRBY + PEXPIRE), so concurrent writers never lose an update. A write
 * whose reply was lost is never resent (it would count twice): it rejects with a
 * ConnectionError whose `mayHaveApplied` is true.
 */
import { libraryScript } from "../lua/registry";
import { toInteger } from "../reply";
import { CodecError } from "../errors";
import type { CoordinationHost } from "./host";
import { runCommand, runScript } from "./host";
import { DEFAULT_TIMEOUT_MS, durationMs, integer, wholeMs } from "./options";

/** Options of `db.counter(name, options)`. */
export interface CounterOptions {
  /** Sliding expiry: the counter is deleted this many ms after its last write (every write restarts it). Default: never. */
  readonly idleTtlMs?: number;
  /** Bound of each call in ms (its one round trip); default 2,000. */
  readonly timeoutMs?: number;
}

/** Values of a counter stay within JavaScript's safe integers. */
function safe(reply: unknown): number {
  const value = reply === null ? 0 : toInteger(reply);
  if (!Number.isSafeInteger(value)) throw new CodecError("integer", `counter value ${JSON.stringify(String(reply))} is not a safe integer`);
  return value;
}

/** An exact distributed counter. */
export class Counter {
  /** The Redis key. */
  readonly key: string;
  /** The idle ttl in ms, or undefined for none. */
  readonly idleTtlMs: number | undefined;
  private readonly timeoutMs: number;

  /** @internal Use `db.counter(name, options)`. */
  constructor(
    private readonly host: CoordinationHost,
    /** The counter's name. */
    readonly name: string,
    options: CounterOptions = {},
  ) {
    this.key = host.keys.container(name, "name");
    this.idleTtlMs = options.idleTtlMs === undefined ? undefined : wholeMs("idleTtlMs", options.idleTtlMs, 0);
    this.timeoutMs = durationMs("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS);
  }

  /** Adds `by` (default 1, any safe integer) and resolves the new value. INCRBY, or the `counter-incr` script (INCRBY + PEXPIRE) with an idle ttl. */
  incr(by = 1): Promise<number> {
    try {
      integer("by", by, Number.MIN_SAFE_INTEGER);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.idleTtlMs === undefined) return runCommand(this.host, "incrby", [this.key], [this.key, by], safe, this.timeoutMs);
    return runScript(this.host, libraryScript("counter-incr"), [this.key], [by, this.idleTtlMs], safe, this.timeoutMs);
  }

  /** Subtracts `by` (default 1) and resolves the new value (as {@link incr}). */
  decr(by = 1): Promise<number> {
    return this.incr(typeof by === "number" ? -by : by);
  }

  /** The current value; 0 when the counter does not exist. GET. */
  get(): Promise<number> {
    return runCommand(this.host, "get", [this.key], [this.key], safe, this.timeoutMs);
  }

  /** Deletes the counter and resolves the value it had (0 when none). GETDEL. */
  reset(): Promise<number> {
    return runCommand(this.host, "getdel", [this.key], [this.key], safe, this.timeoutMs);
  }
}
