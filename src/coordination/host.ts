/**
 * What the coordination primitives need from their Database, and the one way they talk to
 * Redis: a library script through the Database's executor (EVALSHA, NOSCRIPT → EVAL, cluster
 * slot check, error mapping, "may have applied" on a lost reply), raced against a deadline so
 * that every call settles within its bound even when Redis is silent.
 */
import type { ClientLike } from "../client";
import type { Arg, Executor } from "../command";
import { cmd, scriptCmd } from "../command";
import { ConnectionError } from "../errors";
import type { KeySpace } from "../keys";
import { MemoryClient } from "../memory/facade";
import type { Engine } from "../memory/engine";
import type { ScriptSource } from "../script";

/** The slice of `Database` the primitives use. */
export interface CoordinationHost {
  /** @internal */
  readonly executor: Executor;
  readonly keys: KeySpace;
  readonly client: ClientLike;
  readonly isCluster: boolean;
  describeServer(): string;
}

/** Client statuses of a lost connection (a fail-open caller does not wait for Redis then). */
const DOWN = new Set(["reconnecting", "end", "close"]);

/** True when the client reports a lost connection. */
export function isDown(host: CoordinationHost): boolean {
  return DOWN.has(host.client.status);
}

/** The embedded engine behind `host`, when it is `Database.memory()`. */
export function memoryEngine(host: CoordinationHost): Engine | undefined {
  return host.client instanceof MemoryClient ? host.client.engine : undefined;
}

/**
 * `promise`, or a rejection with `timeout()` after `ms` milliseconds, whichever comes first. The
 * loser is ignored; the timer does not keep the process alive.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeout()), Math.max(0, ms));
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The error of a call that got no reply in time: it was sent, so it may have run. */
export function noReply(host: CoordinationHost, what: string, ms: number): ConnectionError {
  return new ConnectionError(host.describeServer(), `${what}: no reply within ${ms} ms`, { mayHaveApplied: true });
}

/** Runs a library script over `keys` and `args` in one round trip, settling within `timeoutMs`. */
export function runScript<T>(
  host: CoordinationHost,
  script: ScriptSource,
  keys: readonly string[],
  args: readonly Arg[],
  parse: (reply: unknown) => T,
  timeoutMs: number,
): Promise<T> {
  return withDeadline(host.executor.run(scriptCmd(script, keys, args, parse)), timeoutMs, () => noReply(host, `EVALSHA ${script.name}`, timeoutMs));
}

/** Sends one plain command, settling within `timeoutMs`. */
export function runCommand<T>(host: CoordinationHost, name: string, keys: readonly string[], args: readonly Arg[], parse: (reply: unknown) => T, timeoutMs: number): Promise<T> {
  return withDeadline(host.executor.run(cmd(name, keys, args, parse)), timeoutMs, () => noReply(host, name.toUpperCase(), timeoutMs));
}
