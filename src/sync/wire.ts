/**
 * The wire format of synced namespaces: operations as the `sync-write` script's ARGV, its
 * outcomes, and the `sync-pull` script's reply (see sync-write.lua and sync-pull.lua).
 */
import type { Arg } from "../command";
import { CommandError } from "../errors";
import { toInteger } from "../reply";

/**
 * What a write of one field expects to find, checked by Redis when a journaled write is
 * replayed: nothing (`any`: a write sent while connected, last writer wins), the field at a
 * version no newer than the one the write was based on, or the field as an earlier operation of
 * this mirror left it (several offline writes to one key chain).
 */
export type Expectation = { readonly kind: "any" } | { readonly kind: "version"; readonly version: number } | { readonly kind: "after"; readonly op: string };

/** One field of an operation. */
export interface FieldWrite {
  readonly field: string;
  /** True for a delete. */
  readonly deleted: boolean;
  /** The encoded value ("" for a delete). */
  readonly raw: string;
  /** Rewritten when the operation it chains to is dropped from the journal. */
  expect: Expectation;
}

/** One call of `set`, `update` or `delete`: applied atomically (per field, see the conflict rule), once. */
export interface Operation {
  /** Unique id (random): Redis records it so a resent operation is never applied twice. */
  readonly id: string;
  /** Order of creation in this mirror (the journal replays in this order). */
  readonly seq: number;
  /** Epoch ms when it was made. */
  readonly at: number;
  readonly fields: readonly FieldWrite[];
}

/** What Redis did with an operation. */
export interface Outcome {
  /** The version it was applied at (0: no field applied). */
  readonly version: number;
  /** Fields that lost to a newer write (their expectation did not hold). */
  readonly lost: readonly string[];
  /** True when Redis had already applied it (a resend after a lost reply): not applied again. */
  readonly duplicate: boolean;
}

function expectationArg(e: Expectation): string {
  return e.kind === "any" ? "" : e.kind === "version" ? `v${e.version}` : `@${e.op}`;
}

/** ARGV of `sync-write` for `ops`; `conditional` false sends every field unconditionally (a write made while connected). */
export function writeArgs(ops: readonly Operation[], ttlMs: number, retentionMs: number, conditional: boolean): Arg[] {
  const args: Arg[] = [ttlMs, retentionMs, ops.length];
  for (const op of ops) {
    args.push(op.id, op.fields.length);
    for (const f of op.fields) args.push(f.field, f.deleted ? "d" : "s", f.raw, conditional ? expectationArg(f.expect) : "");
  }
  return args;
}

/** Parses a recorded outcome `"<version>|<len>:<field>…"`. */
export function parseOutcome(text: string, duplicate: boolean): Outcome {
  const bar = text.indexOf("|");
  const lost: string[] = [];
  for (let i = bar + 1; i < text.length; ) {
    const colon = text.indexOf(":", i);
    const len = Number(text.slice(i, colon));
    lost.push(text.slice(colon + 1, colon + 1 + len));
    i = colon + 1 + len;
  }
  return { version: Number(text.slice(0, bar)), lost, duplicate };
}

/** Parses the reply of `sync-write`: one outcome per operation sent. */
export function parseWriteReply(reply: unknown, count: number): Outcome[] {
  if (!Array.isArray(reply) || reply.length !== count) throw new CommandError("EVALSHA sync-write", `unexpected reply ${JSON.stringify(reply)}`);
  return reply.map((r: unknown) => {
    const [status, text] = r as [unknown, unknown];
    return parseOutcome(String(text), toInteger(status) === 2);
  });
}

/** A field as a pull reports it: its version and value (undefined: deleted, a tombstone). */
export interface PulledField {
  readonly field: string;
  readonly version: number;
  readonly raw: string | undefined;
}

/** The reply of `sync-pull`. */
export interface Pulled {
  /** The namespace's last version (0: it does not exist). */
  readonly last: number;
  readonly epoch: string;
  /** True when every field is listed (the mirror replaces its state). */
  readonly full: boolean;
  readonly fields: readonly PulledField[];
}

/** Parses the reply of `sync-pull`. */
export function parsePullReply(reply: unknown): Pulled {
  if (!Array.isArray(reply) || reply.length < 3) throw new CommandError("EVALSHA sync-pull", `unexpected reply ${JSON.stringify(reply)}`);
  const fields: PulledField[] = [];
  for (let i = 3; i + 1 < reply.length; i += 3) {
    const raw = reply[i + 2] as unknown;
    fields.push({ field: String(reply[i]), version: toInteger(reply[i + 1]), raw: raw === null || raw === undefined ? undefined : String(raw) });
  }
  return { last: toInteger(reply[0]), epoch: String(reply[1] ?? ""), full: toInteger(reply[2]) === 1, fields };
}
