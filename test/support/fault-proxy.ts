/**
 * A TCP proxy on a free loopback port in front of a test Redis (TCP port or unix socket), for
 * fault injection:
 * - `loseReplies(p)`: each client→server chunk is forwarded, then with probability `p` the
 *   client's connection is cut and the server's reply dropped. The command ran; its reply is
 *   lost: exactly the case where a resend would apply a write twice.
 * - `blackhole(true)`: the proxy keeps accepting and reading but forwards nothing (a server
 *   that went silent).
 * - `cutAll()`: closes every connection now.
 */
import { connect, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

export interface Upstream {
  readonly port?: number;
  readonly host?: string;
  readonly path?: string;
}

export class FaultProxy {
  private readonly pairs = new Set<{ client: Socket; server: Socket }>();
  private lossProbability = 0;
  private silent = false;
  /** How many connections `loseReplies` has cut. */
  cuts = 0;

  private constructor(
    private readonly listener: Server,
    private readonly random: () => number,
  ) {}

  static async start(upstream: Upstream, random: () => number = Math.random): Promise<FaultProxy> {
    const listener = createServer();
    const proxy = new FaultProxy(listener, random);
    listener.on("connection", (client) => proxy.accept(client, upstream));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.listener.address() as AddressInfo).port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  loseReplies(probability: number): void {
    this.lossProbability = probability;
  }

  blackhole(on: boolean): void {
    this.silent = on;
  }

  cutAll(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.server.destroy();
    }
    this.pairs.clear();
  }

  async stop(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  private accept(client: Socket, upstream: Upstream): void {
    const server = upstream.path ? connect(upstream.path) : connect(upstream.port ?? 6379, upstream.host ?? "127.0.0.1");
    const pair = { client, server };
    this.pairs.add(pair);
    let doomed = false;
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      // Let the server finish the command it was sent; its reply goes nowhere.
      setTimeout(() => server.destroy(), 50).unref();
    };
    client.on("data", (chunk) => {
      if (this.silent || doomed) return;
      server.write(chunk);
      if (this.lossProbability > 0 && this.random() < this.lossProbability) {
        doomed = true;
        this.cuts++;
        close();
      }
    });
    server.on("data", (chunk) => {
      if (!this.silent && !doomed) client.write(chunk);
    });
    client.on("error", () => undefined);
    server.on("error", () => undefined);
    client.on("close", close);
    server.on("close", () => {
      if (!doomed) client.destroy();
    });
  }
}
