/**
 * The factory context: what a memoized function (or a `getOrSet` factory) may say about the
 * result it is computing. `getOrSet` factories receive it as their argument; a function given
 * to `wrap()` / `@cached` reaches it with {@link cacheContext} (an AsyncLocalStorage, entered
 * only when the function runs: hits never pay for it).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { ValidationError } from "../errors";
import { checkTags } from "./tags";

/** What a factory may read and set about the result it computes. */
export interface FactoryContext<R = unknown> {
  /** The Redis key being computed. */
  readonly key: string;
  /** The value being refreshed (stale, or kept by `grace`), when there is one. */
  readonly stale: { readonly value: R; readonly age: number | undefined } | undefined;
  /** Aborted when `hardTimeoutMs` gives up on this computation (its result is still stored if it arrives). */
  readonly signal: AbortSignal;
  /** Seconds to keep this result, overriding the options' `ttl` (0 = forever). */
  ttl: number | undefined;
  /** Tags to record this result under, added to those of the `tags` option. */
  tags: string[];
  /** Do not cache this result (it is still returned). */
  skip(): void;
  /** Cache this result as a negative one: with `negativeTtl` (or `ttl` when it has none). */
  negative(): void;
}

/** @internal The mutable context object. */
export class Context<R> implements FactoryContext<R> {
  ttl: number | undefined = undefined;
  tags: string[] = [];
  skipped = false;
  isNegative = false;
  readonly controller = new AbortController();

  constructor(
    readonly key: string,
    readonly stale: { readonly value: R; readonly age: number | undefined } | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  skip(): void {
    this.skipped = true;
  }

  negative(): void {
    this.isNegative = true;
  }

  /** Checked tags set by the factory. */
  ownTags(): readonly string[] {
    return this.tags.length === 0 ? this.tags : checkTags(this.tags, "ctx.tags");
  }
}

const storage = new AsyncLocalStorage<Context<unknown>>();

/** @internal Runs `fn` with `ctx` as the current factory context. */
export function runWithContext<T>(ctx: Context<unknown>, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * The context of the memoized computation running now (inside a function given to `wrap()` or
 * `@cached`): `cacheContext().skip()`, `cacheContext().ttl = 5`, `.tags.push("user:1")`.
 * Throws a `ValidationError` outside one.
 */
export function cacheContext<R = unknown>(): FactoryContext<R> {
  const ctx = storage.getStore();
  if (!ctx) throw new ValidationError({ path: "cacheContext", message: "called outside a memoized computation (only a function run by wrap(), @cached or getOrSet has one)" });
  return ctx as unknown as FactoryContext<R>;
}
