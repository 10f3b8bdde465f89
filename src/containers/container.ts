/**
 * Base class of every container: one Redis key, a codec for its values, and the key-level
 * methods every container shares (EXISTS, UNLINK, EXPIRE/PERSIST, PTTL).
 */
import type { Codec, Raw } from "../codec";
import { codecs } from "../codec";
import type { Command, Executor } from "../command";
import { cmd } from "../command";
import { CodecError, TransactionError, ValidationError } from "../errors";
import type { KeySpace } from "../keys";
import { toBoolean, toInteger, toScanPage } from "../reply";
import { isWellFormed, requirePositiveSeconds, requireWellFormed } from "../validate";

/** What a container needs from its Database or transaction: an executor and the key builder. */
export interface Context {
  /** @internal */
  readonly executor: Executor;
  /** @internal */
  readonly keys: KeySpace;
  /** @internal Runs `fn` with a dedicated connection (blocking commands, up to `blockSeconds`, must not stall the shared one). */
  withDedicatedConnection<T>(fn: (executor: Executor) => Promise<T>, blockSeconds: number): Promise<T>;
}

/** Options shared by every container factory. */
export interface ContainerOptions<V> {
  /** How values are stored; default: strings. */
  readonly codec?: Codec<V>;
}

/** One Redis key holding a collection. */
export abstract class Container<V> {
  /** The full Redis key (Database prefix included). */
  readonly key: string;
  /** The codec used for values. */
  readonly codec: Codec<V>;
  /** @internal `[key]`, the keys of every single-key command (shared: commands never change it). */
  protected readonly keyList: readonly string[];
  /** @internal {@link decodeOptional} as a parser made once per container, not per call. */
  protected readonly optionalValue = (raw: unknown): V | undefined => this.decodeOptional(raw);

  /** @internal Use the factories on `Database` (`db.hash(name)`, …). */
  constructor(
    protected readonly ctx: Context,
    /** The name this container was opened with (without the prefix). */
    readonly name: string,
    codec: Codec<V>,
  ) {
    this.key = ctx.keys.container(name);
    this.keyList = [this.key];
    this.codec = codec;
  }

  /** @internal */
  protected run<T>(command: Command<T>): Promise<T> {
    return this.ctx.executor.run(command);
  }

  /** @internal Builds a command on this container's key (the key is the first argument). */
  protected command<T>(name: string, args: readonly (string | number | Buffer)[], parse: (reply: unknown) => T, binary = false): Promise<T> {
    const all: Array<string | number | Buffer> = [this.key];
    for (const a of args) all.push(a);
    return this.run(cmd(name, this.keyList, all, parse, binary));
  }

  /**
   * @internal Runs `build` (which validates, encodes and sends); bad input becomes a rejected
   * promise instead of a synchronous throw, and poisons an enclosing transaction.
   */
  protected guard<T>(build: () => Promise<T>): Promise<T> {
    try {
      return build();
    } catch (error) {
      return this.ctx.executor.fail(error);
    }
  }

  /**
   * @internal The full key of another container given to a multi-key method: an instance of
   * `kind` (its own key, whatever scope opened it) or a name under this Database's prefix.
   * Anything else is a {@link ValidationError} naming `path`.
   */
  protected keyOf(path: string, target: unknown, kind: abstract new (...args: never[]) => Container<unknown> = Container): string {
    if (target instanceof kind) return target.key;
    if (typeof target === "string" && target !== "") return this.ctx.keys.container(target, path);
    throw new ValidationError({ path, message: `must be a ${kind.name} or a non-empty key name` });
  }

  /** @internal */
  protected encode(value: V): Raw {
    return this.codec.encode(value);
  }

  /**
   * @internal Encodes a set/zset/HyperLogLog member: members are identities, so a string
   * member that would reach Redis with a lone surrogate (two distinct members would both become
   * U+FFFD) is a {@link ValidationError} naming `path`, not the codec's CodecError.
   */
  protected encodeMember(path: string, member: V): Raw {
    let raw: Raw;
    try {
      raw = this.codec.encode(member);
    } catch (error) {
      if (error instanceof CodecError && typeof member === "string" && !isWellFormed(member)) requireWellFormed(path, member);
      throw error;
    }
    // codecs.string has already refused ill-formed strings; any other text codec's output is checked here.
    return typeof raw === "string" && this.codec !== codecs.string ? requireWellFormed(path, raw) : raw;
  }

  /** @internal Decodes a reply item; `null` stays `undefined`. */
  protected decode(raw: unknown): V {
    return this.codec.decode(raw as Raw);
  }

  /** @internal */
  protected decodeOptional(raw: unknown): V | undefined {
    return raw === null || raw === undefined ? undefined : this.codec.decode(raw as Raw);
  }

  /** @internal Refuses multi-round-trip operations inside a transaction or pipeline. */
  protected assertNotBatched(method: string): void {
    if (this.ctx.executor.batched) {
      throw new TransactionError(`${this.constructor.name}.${method}() needs several round trips and cannot join a transaction or pipeline`);
    }
  }

  /** @internal Iterates a SCAN-family command (HSCAN/SSCAN) page by page. */
  protected async *scanPages(command: "hscan" | "sscan" | "zscan", match?: string, count?: number): AsyncGenerator<unknown[]> {
    this.assertNotBatched("iterate");
    let cursor = "0";
    do {
      const args: (string | number)[] = [cursor];
      if (match !== undefined) args.push("MATCH", match);
      if (count !== undefined) args.push("COUNT", count);
      const page = await this.command(command, args, toScanPage, this.codec.binary);
      cursor = page.cursor;
      if (page.items.length > 0) yield page.items;
    } while (cursor !== "0");
  }

  /** True when the key exists. EXISTS. */
  exists(): Promise<boolean> {
    return this.command("exists", [], (r) => toInteger(r) === 1);
  }

  /** Removes the whole key (all its items); true when it existed. UNLINK (memory is freed in the background). */
  clear(): Promise<boolean> {
    return this.command("unlink", [], (r) => toInteger(r) === 1);
  }

  /**
   * Sets the key's time to live in seconds (fractions allowed: sent as milliseconds), or
   * removes it with `null`. Resolves true when a TTL was set (or, for `null`, removed);
   * false when the key does not exist (or, for `null`, had no TTL). PEXPIRE / PERSIST.
   */
  expire(seconds: number | null): Promise<boolean> {
    if (seconds === null) return this.command("persist", [], toBoolean);
    return this.guard(() => this.command("pexpire", [Math.ceil(requirePositiveSeconds("seconds", seconds) * 1000)], toBoolean));
  }

  /** Seconds left to live (ms precision); `null` when the key has no expiry; `undefined` when it does not exist. PTTL. */
  ttl(): Promise<number | null | undefined> {
    return this.command("pttl", [], (r) => {
      const ms = toInteger(r);
      if (ms === -2) return undefined;
      if (ms === -1) return null;
      return ms / 1000;
    });
  }
}
