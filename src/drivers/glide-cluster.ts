/**
 * A Valkey GLIDE (`@valkey/valkey-glide` 2.x) `GlideClusterClient` seen as narwhal's
 * {@link ClientLike}, like an ioredis Cluster (`isCluster`, `nodes("master")`,
 * `duplicate([], options)`). Connection events, replies, errors, SUBSCRIBE and closing are
 * the standalone adapter's (glide-base.ts).
 *
 * Slot routing: every command is sent with a route to the primary of its first key, found with
 * the key positions of `@ioredis/commands` (the table ioredis's Cluster routes by; see
 * node-redis-cluster.ts `firstKey`). narwhal's executors check that a command's, a script's or a
 * batch's keys share one slot before sending, so that primary is the right one. A keyless
 * command goes to the primary of a random slot (any master, as on ioredis), never to GLIDE's
 * default multi-node routing, whose per-node answers are not the one reply narwhal reads.
 * MOVED and ASK are followed by GLIDE; nothing else is retried.
 *
 * MULTI and pipelines: GLIDE's `ClusterBatch` (glide-batch.ts), a MULTI routed to its first
 * key's primary; a pipeline to the slot its keys share, or, across slots, split by GLIDE.
 *
 * The masters (`nodes("master")`, for SCAN over the whole keyspace and one CLIENT TRACKING
 * connection per master): read with CLUSTER SLOTS when the client is ready, again after a
 * reconnect and every 5 s once asked for; `refresh` is emitted when they change.
 *
 * Down: the client is `reconnecting` only when a command failed for its connection AND no master
 * answers a PING; one master down leaves it `ready` (see {@link GlideClusterAdapter.confirmDown}).
 */
import type { Arg } from "../command";
import { keySlot, SLOT_COUNT, slotKey } from "../slot";
import { GlideBase } from "./glide-base";
import { GlideBatch } from "./glide-batch";
import { glideArgs } from "./glide-args";
import { GlideClusterNode, mastersOf } from "./glide-cluster-node";
import { duplicateConfig } from "./glide";
import { configOf, DECODER_BYTES, DECODER_STRING, type GlideClientClass, type GlideConfig, type GlideNative, type GlideRoute } from "./glide-shape";
import { firstKey } from "./node-redis-cluster";

/** ms between two readings of the masters, once someone asked for them. */
const TOPOLOGY_REFRESH_MS = 5000;

// Routes are always by key (`primarySlotKey`, a Buffer key by a text key of its slot, see
// slot.ts's slotKey): GLIDE 2.5's `primarySlotId` route sent commands to other nodes than the
// slot's primary (a pipeline's SCRIPT LOAD landed on another master than its EVALSHA).

/** The route to the primary of `key`'s slot (a Buffer key by a text key of the same slot). */
function routeOf(key: string | Buffer | number): GlideRoute {
  if (typeof key === "number") return { type: "primarySlotKey", key: String(key) };
  return typeof key === "string" ? { type: "primarySlotKey", key } : { type: "primarySlotKey", key: slotKey(keySlot(key)) };
}

/** The route of a command: the primary of its first key's slot, or undefined for a keyless one. */
export function keyRoute(args: readonly Arg[]): GlideRoute | undefined {
  const key = firstKey(args as Array<string | Buffer>);
  return key === undefined ? undefined : routeOf(key);
}

/** Any master: the primary of a random slot (weighted by the slots each master serves). */
function anyPrimary(): GlideRoute {
  return { type: "primarySlotKey", key: slotKey(Math.floor(Math.random() * SLOT_COUNT)) };
}

/** A MULTI's route: its first key's primary (narwhal's executors checked every key shares that slot). */
function multiRoute(commands: ReadonlyArray<readonly Arg[]>): GlideRoute | undefined {
  for (const args of commands) {
    const route = keyRoute(args);
    if (route) return route;
  }
  return anyPrimary();
}

/** A pipeline's route: the one slot all its keys hash to; undefined (GLIDE splits it per key) across slots. */
function pipelineRoute(commands: ReadonlyArray<readonly Arg[]>): GlideRoute | undefined {
  let first: string | Buffer | number | undefined;
  let slot: number | undefined;
  for (const args of commands) {
    const key = firstKey(args as Array<string | Buffer>);
    if (key === undefined) continue;
    const s = keySlot(key);
    if (slot !== undefined && s !== slot) return undefined;
    slot = s;
    first ??= key;
  }
  return first === undefined ? anyPrimary() : routeOf(first);
}

const adapters = new WeakMap<object, GlideClusterAdapter>();

/** The adapter of a connected GLIDE cluster client (one per client). */
export function glideClusterAdapter(client: GlideNative): GlideClusterAdapter {
  let adapter = adapters.get(client);
  if (!adapter) {
    const config = configOf(client) ?? {};
    adapters.set(client, (adapter = new GlideClusterAdapter(client, config, client.constructor as unknown as GlideClientClass, true)));
  }
  return adapter;
}

/** An adapter whose GlideClusterClient is created now from `config` (commands wait for it). */
export function openGlideCluster(clientClass: GlideClientClass, config: GlideConfig, reconnect = true): GlideClusterAdapter {
  return new GlideClusterAdapter(undefined, config, clientClass, reconnect);
}

export class GlideClusterAdapter extends GlideBase {
  readonly isCluster = true;
  /** The masters by `host:port`, as last read. */
  private masters = new Map<string, GlideClusterNode>();
  private reading: Promise<void> | undefined;
  private refresher: ReturnType<typeof setInterval> | undefined;

  constructor(native: GlideNative | undefined, config: GlideConfig, clientClass: GlideClientClass, reconnect: boolean) {
    super(native, config, clientClass, reconnect);
    // `ready`: created, or answering again after a reconnect (a failover may have changed the masters).
    this.on("ready", () => void this.topology());
    if (native) void this.topology();
  }

  /** The cluster's seed addresses (describeServer prints them like an ioredis Cluster's startup nodes). */
  get startupNodes(): string[] {
    return (this.config.addresses ?? []).map((a) => `${a.host ?? "localhost"}:${a.port ?? 6379}`);
  }

  protected command(native: GlideNative, args: readonly Arg[], binary: boolean, route?: GlideRoute): Promise<unknown> {
    return native.customCommand(glideArgs(args), { decoder: binary ? DECODER_BYTES : DECODER_STRING, route: route ?? keyRoute(args) ?? anyPrimary() });
  }

  /** @internal `args` (the name first) sent to `route`'s node (a master's adapter, glide-cluster-node.ts). */
  sendTo(route: GlideRoute, args: readonly Arg[], binary: boolean): Promise<unknown> {
    return this.send(args, binary, route);
  }

  /** @internal A batch on `route`'s node (a master's adapter). */
  batchTo(route: GlideRoute, atomic: boolean): GlideBatch {
    return this.batch(atomic, () => route);
  }

  multi(): GlideBatch {
    return this.batch(true, multiRoute);
  }

  pipeline(): GlideBatch {
    return this.batch(false, pipelineRoute);
  }

  /**
   * The masters as last read, each an adapter over this client's own connection to it (with
   * `options.host/port` and a CLIENT TRACKING connection of its own); empty until first read.
   */
  nodes(role: string): GlideClusterNode[] {
    if (role !== "master" && role !== "all") return [];
    if (this.refresher === undefined && this.status !== "end") {
      this.refresher = setInterval(() => void this.topology(), TOPOLOGY_REFRESH_MS);
      this.refresher.unref?.();
    }
    return [...this.masters.values()];
  }

  /**
   * The masters known: at once when they have been read, else once the first reading is done
   * (wire.ts awaits this before a SCAN over the masters: a client just created has not read them
   * yet). The 5 s refresh and `ready` keep them current, so this sends nothing once they are known.
   */
  mastersKnown(): Promise<void> | undefined {
    return this.masters.size > 0 ? undefined : this.topology();
  }

  /** Reads the masters now (CLUSTER SLOTS); resolves once read (or the reading failed). Emits `refresh` on a change. */
  topology(): Promise<void> {
    this.reading ??= this.send(["CLUSTER", "SLOTS"], false)
      .then(
        (reply) => this.update(mastersOf(reply, this.options.host ?? "localhost")),
        () => undefined,
      )
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private update(found: ReadonlyArray<{ host: string; port: number }>): void {
    if (found.length === 0) return;
    const next = new Map<string, GlideClusterNode>();
    for (const { host, port } of found) {
      const name = `${host}:${port}`;
      next.set(name, this.masters.get(name) ?? new GlideClusterNode(this, host, port));
    }
    const same = next.size === this.masters.size && [...next.keys()].every((k) => this.masters.has(k));
    this.masters = next;
    if (!same) this.emit("refresh");
  }

  /**
   * A new GlideClusterClient with the same configuration (seed addresses, credentials, TLS,
   * timeouts, protocol), created now; its commands wait for it. `connectionName` becomes GLIDE's
   * `clientName`; `retryStrategy: () => null` makes the first connection failure end it.
   */
  duplicate(...args: unknown[]): GlideClusterAdapter {
    const { config, reconnect } = duplicateConfig(this.config, args);
    return openGlideCluster(this.clientClass, config, reconnect);
  }

  /**
   * One master's failure is not the cluster's: the client goes down only when no known master
   * answers a PING (sent to each by address); until the masters are known, at once.
   */
  protected override confirmDown(native: GlideNative): true | Promise<boolean> {
    if (this.masters.size < 2) return true;
    const pings = [...this.masters.values()].map((m) =>
      this.command(native, ["PING"], false, m.route).then(
        () => true,
        () => false,
      ),
    );
    // Settled only when every PING is: a dead master's PING takes its timeout, which spaces the checks.
    return Promise.all(pings).then((answered) => !answered.includes(true));
  }

  protected override end(): void {
    if (this.refresher !== undefined) clearInterval(this.refresher);
    this.refresher = undefined;
    super.end();
  }
}
