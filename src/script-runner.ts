/**
 * The ONE path by which narwhal runs a Lua script: containers, models, autocomplete, the
 * cache and users' `db.script()` functions all come through here, directly or in a batch.
 *
 * Directly: EVALSHA, and on NOSCRIPT the body with EVAL. NOSCRIPT means the script did not
 * run, so sending the body now applies it exactly once, in the caller's order (nothing else
 * of this call was sent in between).
 *
 * In a batch (MULTI or pipeline) a NOSCRIPT cannot be repaired afterwards: the commands
 * queued after the script have already run, and re-running it would reorder it after them.
 * So a batch starts with one SCRIPT LOAD per distinct script it uses, then sends each call
 * as EVALSHA. The loads and the calls travel on one connection, in order, so every call
 * finds its script: inside MULTI nothing can come between them; in a pipeline only another
 * client's SCRIPT FLUSH landing mid-pipeline could, and that call then fails with NOSCRIPT
 * and is reported, never re-run. (ioredis's own pipelines load scripts first too, but with
 * an extra round trip and a per-client "already loaded" cache that a SCRIPT FLUSH or a
 * restart makes wrong.)
 */
import type { ClientBatch } from "./client";
import type { Arg, Command } from "./command";
import { isNoScript } from "./client-errors";
import type { ScriptSource } from "./script";

/** Sends one command with its arguments; rejects with what the client threw. */
export type Send = (name: string, args: readonly Arg[]) => Promise<unknown>;

/** EVALSHA/EVAL arguments: `head` (SHA1 or body), the key count, the keys, then ARGV. */
export function evalArgs(head: string, keys: readonly string[], args: readonly Arg[]): Arg[] {
  return fill(new Array<Arg>(2 + keys.length + args.length), 0, head, keys, args);
}

/**
 * The whole EVALSHA/EVAL command for a client's `sendArgs` (client.ts): `name`, then
 * {@link evalArgs}, in one array sized once (the driver takes it without copying).
 */
export function evalWire(name: string, head: string, keys: readonly string[], args: readonly Arg[]): Arg[] {
  const out = new Array<Arg>(3 + keys.length + args.length);
  out[0] = name;
  return fill(out, 1, head, keys, args);
}

/** Writes `head`, the key count, `keys` and `args` into `out` from index `at`. */
function fill(out: Arg[], at: number, head: string, keys: readonly string[], args: readonly Arg[]): Arg[] {
  out[at] = head;
  out[at + 1] = keys.length;
  let j = at + 2;
  for (let i = 0; i < keys.length; i++) out[j++] = keys[i]!;
  for (let i = 0; i < args.length; i++) out[j++] = args[i]!;
  return out;
}

/** Runs `script` over `keys` and `args` once: EVALSHA, then EVAL when the server answers NOSCRIPT. */
export function runScript(send: Send, script: ScriptSource, keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
  return send("evalsha", evalArgs(script.sha, keys, args)).catch((error: unknown) => {
    if (!isNoScript(error)) throw error;
    return send("eval", evalArgs(script.lua, keys, args));
  });
}

/** What {@link queueBatch} put in front of the batch's own commands. */
export interface QueuedBatch {
  /** How many leading replies belong to SCRIPT LOADs (skip them to reach the commands' replies). */
  readonly loads: number;
  /** Script SHA1 → index of its SCRIPT LOAD reply (to report a script that failed to load). */
  readonly loadIndex: ReadonlyMap<string, number>;
}

/**
 * Queues `commands` into an ioredis MULTI or pipeline (or the engine's): first a SCRIPT LOAD
 * of each distinct script among them, then every command in order, scripts as EVALSHA.
 */
export function queueBatch(batch: ClientBatch, commands: readonly Command<unknown>[]): QueuedBatch {
  const loadIndex = new Map<string, number>();
  for (const { script } of commands) {
    if (script && !loadIndex.has(script.sha)) {
      loadIndex.set(script.sha, loadIndex.size);
      batch.call("script", "load", script.lua);
    }
  }
  for (const command of commands) {
    const name = command.script ? "evalsha" : command.name;
    const args = command.script ? evalArgs(command.script.sha, command.keys, command.args) : command.args;
    if (command.binary) batch.callBuffer(name, ...args);
    else batch.call(name, ...args);
  }
  return { loads: loadIndex.size, loadIndex };
}
