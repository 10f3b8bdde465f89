/**
 * The handle a `db.transaction()` / `db.pipeline()` callback receives, and the code that
 * runs the callback, flushes the batch and resolves what the callback returned.
 */
import type { Executor } from "./command";
import { TransactionError } from "./errors";
import type { BatchExecutor } from "./executors";
import type { KeySpace } from "./keys";
import { Scope } from "./scope";

/** What a transaction resolves to: the callback's value, with arrays/objects of promises resolved. */
export type BatchResult<R> = R extends readonly unknown[]
  ? { -readonly [K in keyof R]: Awaited<R[K]> }
  : R extends Promise<unknown>
    ? Awaited<R>
    : R extends Record<string, unknown>
      ? { [K in keyof R]: Awaited<R[K]> }
      : R;

/** A transaction or pipeline handle: open containers on it and their calls join the batch. */
export class Batch extends Scope {
  readonly keys: KeySpace;

  /** @internal */
  constructor(
    owner: { readonly keys: KeySpace },
    /** @internal */
    readonly executor: BatchExecutor,
  ) {
    super();
    this.keys = owner.keys;
  }

  /** @internal Blocking commands cannot join a batch. */
  withDedicatedConnection<T>(_fn: (executor: Executor) => Promise<T>, _blockSeconds: number): Promise<T> {
    return Promise.reject(new TransactionError("blocking commands cannot run inside a transaction or pipeline"));
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** @internal Runs the callback, sends the batch, and resolves the callback's result. */
export async function runBatch<R>(batch: Batch, fn: (b: Batch) => R | Promise<R>): Promise<BatchResult<R>> {
  let value: R;
  try {
    value = await fn(batch);
  } catch (error) {
    batch.executor.discard(error);
    throw error;
  }
  const failures = await batch.executor.flush();
  if (failures.length > 0) {
    throw new TransactionError(`${failures.length} command(s) failed: ${failures.map((f) => f.message).join("; ")}`, { cause: failures[0] });
  }
  if (Array.isArray(value)) return (await Promise.all(value)) as BatchResult<R>;
  if (isPlainObject(value)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await v] as const));
    return Object.fromEntries(entries) as BatchResult<R>;
  }
  return value as BatchResult<R>;
}
