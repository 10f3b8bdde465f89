/**
 * MONITOR for `narwhal serve`, as Redis 7.0's replicationFeedMonitors: every command that ran
 * (not the refused ones, not the ones queued by MULTI) is sent to each monitoring client as
 * `+<sec>.<usec> [<db> <addr>] "arg" "arg"…`, with `[<db> lua]` for a script's commands.
 * EVAL/EVALSHA/FCALL (and _RO) are fed before their script's commands, the others after they
 * ran; `admin` commands (CONFIG, CLIENT LIST, MONITOR…) are not shown; AUTH's and HELLO AUTH's
 * credentials are shown as "(redacted)". The line is built only when someone monitors.
 */
import { Buffer } from "node:buffer";
import type { CommandCatalog } from "./command-catalog";

/** A connection in MONITOR mode. */
export interface MonitorClient {
  /** Sends an already rendered frame (written at once). */
  deliverRaw(frame: Buffer): void;
}

const REDACTED = Buffer.from("(redacted)");

/** sdscatrepr: a quoted string with C escapes, other non-printable bytes as \xHH. */
export function quoteArg(b: Buffer): string {
  let s = '"';
  for (const c of b) {
    if (c === 0x5c) s += "\\\\";
    else if (c === 0x22) s += '\\"';
    else if (c === 0x0a) s += "\\n";
    else if (c === 0x0d) s += "\\r";
    else if (c === 0x09) s += "\\t";
    else if (c === 0x07) s += "\\a";
    else if (c === 0x08) s += "\\b";
    else if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return `${s}"`;
}

/** The arguments as MONITOR shows them: AUTH's and HELLO AUTH's credentials redacted (Redis's redactClientCommandArgument). */
export function redacted(name: string, argv: readonly Buffer[]): readonly Buffer[] {
  if (name === "auth") return argv.map((a, i) => (i === 1 || (i === 2 && argv.length === 3) ? REDACTED : a));
  if (name !== "hello") return argv;
  const out = [...argv];
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toString("latin1").toLowerCase();
    if (opt === "auth" && j + 2 < argv.length) {
      out[j + 1] = REDACTED;
      out[j + 2] = REDACTED;
      j += 2;
    } else if (opt === "setname" && j + 1 < argv.length) j++;
    else break;
  }
  return out;
}

export class Monitors {
  private readonly clients = new Set<MonitorClient>();

  constructor(private readonly catalog: CommandCatalog) {}

  get active(): boolean {
    return this.clients.size > 0;
  }

  add(client: MonitorClient): void {
    this.clients.add(client);
  }

  /** RESET, or the connection closed. */
  remove(client: MonitorClient): void {
    this.clients.delete(client);
  }

  has(client: MonitorClient): boolean {
    return this.clients.has(client);
  }

  /** Feeds one command that ran: `origin` is the client's `ip:port`, or "lua" for a script's command. */
  feed(db: number, origin: string, argv: readonly Buffer[]): void {
    if (this.clients.size === 0 || argv.length === 0) return;
    const name = argv[0]!.toString("latin1").toLowerCase();
    if (this.catalog.hiddenFromMonitor(name, argv[1])) return;
    const now = Math.floor((performance.timeOrigin + performance.now()) * 1000); // µs since the epoch
    const stamp = `${Math.floor(now / 1e6)}.${String(now % 1e6).padStart(6, "0")}`;
    const args = redacted(name, argv).map(quoteArg).join(" ");
    const frame = Buffer.from(`+${stamp} [${db} ${origin}] ${args}\r\n`, "latin1");
    for (const client of this.clients) client.deliverRaw(frame);
  }
}
