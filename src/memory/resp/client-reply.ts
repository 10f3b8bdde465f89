/**
 * CLIENT REPLY ON|OFF|SKIP as Redis 7.0 (networking.c): OFF silences every reply of the
 * connection (CLIENT REPLY OFF itself included) until CLIENT REPLY ON, which answers +OK; SKIP
 * silences the next command's reply only (ignored while OFF). Pub/sub messages, subscription
 * confirmations and CLIENT TRACKING invalidations still arrive, as Redis's CLIENT_PUSHING
 * writes do; error replies still count in INFO errorstats.
 */
import { ErrorReply, StatusReply, type Reply } from "../protocol";
import { arity } from "./server-commands";

export type ReplyMode = "on" | "off" | "skip";

/** What CLIENT REPLY changes on a connection. */
export interface ReplyModeTarget {
  replyMode(mode: ReplyMode): void;
}

/** CLIENT REPLY: +OK for ON, undefined (no reply at all) for OFF and SKIP, a syntax error otherwise. */
export function clientReply(c: ReplyModeTarget, argv: readonly Buffer[]): Reply | undefined {
  if (argv.length !== 3) return arity("client|reply");
  const mode = argv[2]!.toString("latin1").toLowerCase();
  if (mode !== "on" && mode !== "off" && mode !== "skip") return new ErrorReply("ERR syntax error");
  c.replyMode(mode);
  return mode === "on" ? new StatusReply("OK") : undefined;
}

/** A connection's reply silencing: Redis's CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP_NEXT and CLIENT_REPLY_SKIP flags. */
export class ReplySilencing {
  private off = false;
  private skipNext = false;
  private skipping = false;

  set(mode: ReplyMode): void {
    if (mode === "on") this.off = this.skipNext = this.skipping = false;
    else if (mode === "off") this.off = true;
    else if (!this.off) this.skipNext = true;
  }

  /** The running command's reply is dropped. */
  get silenced(): boolean {
    return this.off || this.skipping;
  }

  /** After each command (Redis's resetClient): a SKIP just run silences the next one. */
  commandDone(): void {
    this.skipping = this.skipNext;
    this.skipNext = false;
  }
}
