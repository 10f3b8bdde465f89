/**
 * One master of a GLIDE cluster (glide-cluster.ts `nodes("master")`), as a standalone
 * {@link ClientLike} over the cluster client's own connection to it: commands and batches are
 * sent with GLIDE's `routeByAddress` route, so SCAN walks that master's keys. It has
 * `options.host/port` (the masters are told apart by them) and the local tiers' CLIENT TRACKING
 * connection to that master ({@link GlideClusterNode.invalidationConnection}). Closing it
 * closes nothing: the connection is the cluster client's.
 */
import { EventEmitter } from "node:events";
import type { ClientLike } from "../client";
import type { Arg } from "../command";
import type { GlideBatch } from "./glide-batch";
import type { GlideClusterAdapter } from "./glide-cluster";
import { glideInvalidationConnection } from "./glide-invalidation";
import { rethrowGlide } from "./glide-replies";
import { duplicateConfig, openGlide, type GlideAdapter } from "./glide";
import { loadGlide, type GlideClientClass, type GlideConfig, type GlideRoute } from "./glide-shape";
import type { Resp2Connection } from "./resp2-connection";

/** `GlideClient`, loaded when a node's duplicate is created (GLIDE is optional). */
const GLIDE_CLIENT: GlideClientClass = {
  name: "GlideClient",
  createClient: (config) => loadGlide().then((glide) => glide.GlideClient.createClient(config)),
};

/** The masters in a CLUSTER SLOTS reply (`[start, end, [host, port, id…], replicas…]…`), each once; `fallbackHost` for an empty host. */
export function mastersOf(reply: unknown, fallbackHost: string): Array<{ host: string; port: number }> {
  const out = new Map<string, { host: string; port: number }>();
  if (!Array.isArray(reply)) return [];
  for (const range of reply) {
    const primary = Array.isArray(range) ? (range[2] as unknown) : undefined;
    if (!Array.isArray(primary)) continue;
    const host = String(primary[0] ?? "") || fallbackHost;
    const port = Number(primary[1]);
    if (Number.isInteger(port) && port > 0) out.set(`${host}:${port}`, { host, port });
  }
  return [...out.values()];
}

/** A cluster client's configuration for a standalone client of one of its nodes (cluster-only settings left out). */
function standaloneConfig(config: GlideConfig, host: string, port: number): GlideConfig {
  const { periodicChecks: _checks, pubsubSubscriptions: _subscriptions, recoveryRequestsQueueSize: _queue, ...rest } = config;
  return { ...rest, addresses: [{ host, port }] };
}

export class GlideClusterNode extends EventEmitter implements ClientLike {
  readonly isCluster = false;
  readonly settlesLostCommands = true;
  readonly driver = "glide";
  readonly options: { readonly host: string; readonly port: number; readonly commandTimeout: number | undefined };
  /** GLIDE's route to this master (by address). */
  readonly route: GlideRoute;

  constructor(
    private readonly cluster: GlideClusterAdapter,
    host: string,
    port: number,
  ) {
    super();
    this.options = { host, port, commandTimeout: cluster.options.commandTimeout };
    this.route = { type: "routeByAddress", host, port };
  }

  /** The cluster client's status. */
  get status(): string {
    return this.cluster.status;
  }

  call(command: string, ...args: Arg[]): Promise<unknown> {
    return this.cluster.sendTo(this.route, [command, ...args], false).catch(rethrowGlide);
  }

  callBuffer(command: string, ...args: Arg[]): Promise<unknown> {
    return this.cluster.sendTo(this.route, [command, ...args], true).catch(rethrowGlide);
  }

  multi(): GlideBatch {
    return this.cluster.batchTo(this.route, true);
  }

  pipeline(): GlideBatch {
    return this.cluster.batchTo(this.route, false);
  }

  /** A new standalone GlideClient to this master, with the cluster client's credentials, TLS and timeouts. */
  duplicate(...args: unknown[]): GlideAdapter {
    const { config, reconnect } = duplicateConfig(standaloneConfig(this.cluster.config, this.options.host, this.options.port), args);
    return openGlide(GLIDE_CLIENT, config, reconnect);
  }

  /** The local tiers' invalidation connection to this master: narwhal's own RESP2 connection (glide-invalidation.ts). */
  invalidationConnection(): Resp2Connection {
    return glideInvalidationConnection(this.cluster.config, { host: this.options.host, port: this.options.port });
  }

  /** Nothing to close: the connection is the cluster client's. */
  async quit(): Promise<unknown> {
    return "OK";
  }

  disconnect(): void {}
}
