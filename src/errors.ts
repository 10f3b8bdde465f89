/**
 * narwhal's error classes. Every error narwhal throws is a {@link NarwhalError} with a
 * stable machine-readable `code`; subclasses narrow it. Lua scripts report typed failures
 * with `redis.error_reply("NARWHAL <CODE> <json detail>")`, which {@link fromReplyError}
 * turns back into the matching class.
 */

/** Stable codes carried by {@link NarwhalError.code}. */
export type NarwhalErrorCode =
  | "NOT_FOUND"
  | "UNIQUE_CONSTRAINT"
  | "VALIDATION"
  | "MODEL_DEFINITION"
  | "CODEC"
  | "SCRIPT"
  | "CROSS_SLOT"
  | "INDEX_OUT_OF_RANGE"
  | "CONNECTION"
  | "COMMAND"
  | "TRANSACTION"
  | "LOCK_TIMEOUT"
  | "LOCK_LOST"
  | "CACHE_TIMEOUT"
  | "SYNC_JOURNAL_FULL";

/** Base class of every error narwhal throws. */
export class NarwhalError extends Error {
  /** A stable code that identifies the kind of failure. */
  readonly code: NarwhalErrorCode;

  constructor(code: NarwhalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A record (or other addressed item) does not exist. */
export class NotFoundError extends NarwhalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("NOT_FOUND", message, options);
  }
}

/** A write would give a unique field a value another record already holds. Nothing was written. */
export class UniqueConstraintError extends NarwhalError {
  /** The unique field. */
  readonly field: string;
  /** The value that is already taken. */
  readonly value: string;

  constructor(field: string, value: string, message?: string) {
    super("UNIQUE_CONSTRAINT", message ?? `unique constraint on "${field}" violated by value ${JSON.stringify(value)}`);
    this.field = field;
    this.value = value;
  }
}

/** One failing input: the argument or field it concerns, and why. */
export interface ValidationIssue {
  /** Argument or field name, e.g. `"score"` or `"email"`. */
  readonly path: string;
  /** What is wrong with it. */
  readonly message: string;
}

/** Bad input, rejected before anything was sent to Redis. Lists every failing argument or field. */
export class ValidationError extends NarwhalError {
  /** Every failing argument or field. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: ValidationIssue | readonly ValidationIssue[], options?: { cause?: unknown }) {
    const list = Array.isArray(issues) ? (issues as readonly ValidationIssue[]) : [issues as ValidationIssue];
    super("VALIDATION", list.map((i) => `${i.path}: ${i.message}`).join("; "), options);
    this.issues = list;
  }
}

/** An index argument points outside a list (e.g. `list.set(i)` past the end). */
export class IndexOutOfRangeError extends NarwhalError {
  /** The offending index. */
  readonly index: number;

  constructor(argument: string, index: number, size?: number) {
    super(
      "INDEX_OUT_OF_RANGE",
      `${argument}: index ${index} is out of range` + (size === undefined ? "" : ` for a list of size ${size}`),
    );
    this.index = index;
  }
}

/** A model class is declared wrongly (e.g. a field whose kind cannot be inferred). */
export class ModelDefinitionError extends NarwhalError {
  constructor(message: string) {
    super("MODEL_DEFINITION", message);
  }
}

/** A value could not be encoded, or bytes read from Redis could not be decoded, by a codec. */
export class CodecError extends NarwhalError {
  /** Name of the codec that failed. */
  readonly codec: string;

  constructor(codec: string, message: string, options?: { cause?: unknown }) {
    super("CODEC", `${codec} codec: ${message}`, options);
    this.codec = codec;
  }
}

/** A Lua script failed on the server (a Lua runtime error, or a reply error from a command it ran). */
export class ScriptError extends NarwhalError {
  /** The script's registered name. */
  readonly script: string;

  constructor(script: string, message: string, options?: { cause?: unknown }) {
    super("SCRIPT", `script "${script}": ${message}`, options);
    this.script = script;
  }
}

/** Keys that must live in one Redis Cluster slot do not. Names the keys and their slots. */
export class CrossSlotError extends NarwhalError {
  /** The keys, each with its slot. */
  readonly keys: readonly { key: string; slot: number }[];

  constructor(context: string, keys: readonly { key: string; slot: number }[]) {
    super(
      "CROSS_SLOT",
      `${context}: keys span several cluster slots (${keys.map((k) => `${k.key} → ${k.slot}`).join(", ")}); ` +
        `give them a common hash tag, e.g. "{user:1}:a" and "{user:1}:b"`,
    );
    this.keys = keys;
  }
}

/**
 * Redis could not be reached, or did not answer in time. Names the server and the cause.
 * `mayHaveApplied` tells whether the command may have run anyway: true when it had been
 * written to the connection before the failure (the reply, not the command, may be what was
 * lost). narwhal never resends such a command (a write would apply twice); the caller decides.
 */
export class ConnectionError extends NarwhalError {
  /** `host:port`, socket path or `cluster host:port,…` of the server. */
  readonly server: string;
  /** True when the command may have been applied before the connection failed (its outcome is unknown). */
  readonly mayHaveApplied: boolean;

  constructor(server: string, message: string, options?: { cause?: unknown; mayHaveApplied?: boolean }) {
    const mayHaveApplied = options?.mayHaveApplied ?? false;
    super("CONNECTION", `${server}: ${message}${mayHaveApplied ? " (the command may have been applied: its reply was lost)" : ""}`, options);
    this.server = server;
    this.mayHaveApplied = mayHaveApplied;
  }
}

/** Redis answered a command with an error reply (e.g. `WRONGTYPE`). */
export class CommandError extends NarwhalError {
  /** The command that failed, upper case. */
  readonly command: string;

  constructor(command: string, message: string, options?: { cause?: unknown }) {
    super("COMMAND", `${command}: ${message}`, options);
    this.command = command;
  }
}

/** A transaction or pipeline was misused, or EXEC was aborted (e.g. a WATCHed key changed). */
export class TransactionError extends NarwhalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TRANSACTION", message, options);
  }
}

/** True when `error` is any narwhal error; narrows its type. */
export function isNarwhalError(error: unknown): error is NarwhalError {
  return error instanceof NarwhalError;
}

/** Prefix of typed error replies raised by narwhal's Lua scripts. */
export const SCRIPT_ERROR_PREFIX = "NARWHAL";

/**
 * Turns a Redis error reply into a narwhal error. Replies raised by narwhal's own scripts as
 * `NARWHAL <CODE> <json>` become their typed class; anything else becomes a
 * {@link ScriptError} (when `script` is given) or a {@link CommandError}.
 */
export function fromReplyError(error: Error, command: string, script?: string): NarwhalError {
  const message = error.message ?? String(error);
  const typed = /NARWHAL (\w+) (.*)$/s.exec(message);
  if (typed) {
    const [, code, detail] = typed;
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(detail ?? "{}") as Record<string, unknown>;
    } catch {
      data = { message: detail };
    }
    const text = typeof data.message === "string" ? data.message : detail ?? "";
    switch (code) {
      case "UNIQUE_CONSTRAINT":
        return new UniqueConstraintError(String(data.field), String(data.value));
      case "NOT_FOUND":
        return new NotFoundError(text);
      case "INDEX_OUT_OF_RANGE":
        return new IndexOutOfRangeError(String(data.argument ?? "index"), Number(data.index), data.size === undefined ? undefined : Number(data.size));
      case "VALIDATION":
        return new ValidationError({ path: String(data.path ?? "value"), message: text });
    }
  }
  if (script !== undefined) return new ScriptError(script, message, { cause: error });
  return new CommandError(command.toUpperCase(), message, { cause: error });
}
