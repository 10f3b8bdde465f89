/**
 * A private redis-server 7.0 and a `narwhal serve` (the embedded engine) side by side for
 * raw-socket comparisons of server-wide state (INFO counters, MONITOR, CLIENT LIST): no other
 * suite may share the redis-server, since those counters are global.
 */
import { createEngine } from "../../src/memory/create-engine";
import type { Engine } from "../../src/memory/engine";
import { startServer, type RunningServer } from "../../src/memory/resp";
import { RawConnection, tokens, type RawTarget } from "./raw-resp";
import { startStandalone } from "./servers";

export type Side = "redis" | "serve";
export const SIDES: Side[] = ["redis", "serve"];

export class ServePair {
  private redis: Awaited<ReturnType<typeof startStandalone>> | undefined;
  private engine: Engine | undefined;
  private server: RunningServer | undefined;
  private readonly targets = {} as Record<Side, RawTarget>;
  private readonly open: RawConnection[] = [];

  async start(): Promise<void> {
    this.redis = await startStandalone();
    const engine = (this.engine = createEngine());
    this.server = await startServer({ port: 0, dispatcher: engine, createSession: () => engine.createSession(), closeSession: (s) => engine.closeSession(s), log: () => undefined });
    this.targets.redis = { port: this.redis.port }; // TCP, as serve (a unix-socket client shows `unix:` and flag U)
    this.targets.serve = { port: this.server.port };
  }

  async stop(): Promise<void> {
    for (const c of this.open) c.close();
    await this.server?.close();
    this.engine?.close();
    await this.redis?.stop();
  }

  /** The TCP port of `side`, for clients other than {@link RawConnection} (ioredis, serve-process's `raw`). */
  port(side: Side): number {
    const target = this.targets[side];
    if (target === undefined || !("port" in target)) throw new Error(`${side} is not started`);
    return target.port;
  }

  connect(side: Side): RawConnection {
    const c = new RawConnection(this.targets[side]);
    this.open.push(c);
    return c;
  }
}

/** The bulk payload of a single-bulk reply. */
export async function bulkOf(c: RawConnection, command: string[]): Promise<string> {
  return tokens(await c.exchange([command]))[1] ?? "";
}

/** One section of an INFO text as its lines (without the header). */
export const infoLines = (info: string) => info.split("\r\n").filter((l) => l !== "" && !l.startsWith("#"));

/** A RESP2/RESP3 reply as JSON: arrays and sets as arrays (a set tagged `{set}`), maps as `{map: [[k, v]…]}`, scalars as their line. */
export type Parsed = string | Parsed[] | { set: Parsed[] } | { map: Array<[Parsed, Parsed]> };

/** Every reply in a stream, parsed (see {@link Parsed}). */
export function parseReplies(stream: string): Parsed[] {
  const all = tokens(stream);
  let at = 0;
  const one = (): Parsed => {
    const line = all[at++]!;
    const n = Number(line.slice(1));
    if (line[0] === "$" || line[0] === "=" || line[0] === "!") return n < 0 ? line : all[at++]!;
    if (line[0] === "*" || line[0] === "~" || line[0] === ">") {
      if (n < 0) return line;
      const items = Array.from({ length: n }, one);
      return line[0] === "~" ? { set: items } : items;
    }
    if (line[0] === "%") return { map: Array.from({ length: n }, () => [one(), one()] as [Parsed, Parsed]) };
    return line;
  };
  const out: Parsed[] = [];
  while (at < all.length) out.push(one());
  return out;
}
