/**
 * The slice of Valkey GLIDE (`@valkey/valkey-glide` 2.x) the GLIDE adapter uses, as structural
 * types: GLIDE is optional, and is loaded (for its `Batch` class) only when a GLIDE client is
 * given to narwhal.
 */

/** An address of a GLIDE configuration. */
export interface GlideAddress {
  readonly host?: string;
  readonly port?: number;
}

/** What narwhal reads of a `GlideClientConfiguration` (the object passed to `GlideClient.createClient`). */
export interface GlideConfig {
  readonly addresses?: readonly GlideAddress[];
  /** ms GLIDE waits for a reply (GLIDE's default 250). */
  readonly requestTimeout?: number;
  /** `ProtocolVersion`: 0 = RESP3 (GLIDE's default), 1 = RESP2. */
  readonly protocol?: number;
  readonly clientName?: string;
  readonly [other: string]: unknown;
}

/** GLIDE's `Decoder` enum values (checked against GLIDE's own enum by test/unit/glide-replies.test.ts). */
export const DECODER_BYTES = 0;
export const DECODER_STRING = 1;
/** GLIDE's `ProtocolVersion.RESP2`. */
export const PROTOCOL_RESP2 = 1;

export interface DecoderOption {
  readonly decoder: number;
}

/** A queued GLIDE `Batch` (atomic: MULTI/EXEC; else a pipeline). */
export interface GlideBatchLike {
  customCommand(args: Array<string | Buffer>): unknown;
}

/** A GLIDE cluster route to one node (`SingleNodeRoute`): by a key's primary, or by address. */
export type GlideRoute = { readonly type: "primarySlotKey"; readonly key: string } | { readonly type: "routeByAddress"; readonly host: string; readonly port: number };

/** Options of a command or a batch: its decoder and, on a cluster, its route. */
export interface CommandOptions extends DecoderOption {
  readonly route?: GlideRoute;
}

/** A GLIDE `GlideClient` or `GlideClusterClient`. */
export interface GlideNative {
  customCommand(args: Array<string | Buffer>, options?: CommandOptions): Promise<unknown>;
  exec(batch: GlideBatchLike, raiseOnError: boolean, options?: CommandOptions): Promise<unknown[] | null>;
  close(errorMessage?: string): void;
}

/** `GlideClient` or `GlideClusterClient` (the class of a client: its static `createClient` opens duplicates). */
export interface GlideClientClass {
  createClient(config: GlideConfig): Promise<GlideNative>;
  readonly name: string;
}

/** GLIDE's module as the batch needs it. */
export interface GlideModule {
  readonly Batch: new (isAtomic: boolean) => GlideBatchLike;
  readonly ClusterBatch: new (isAtomic: boolean) => GlideBatchLike;
  readonly GlideClient: GlideClientClass;
}

let glideModule: Promise<GlideModule> | undefined;

/** `@valkey/valkey-glide`, imported once (its `Batch` and `ClusterBatch` classes, `GlideClient` for a cluster's nodes). */
export function loadGlide(): Promise<GlideModule> {
  glideModule ??= import("@valkey/valkey-glide") as unknown as Promise<GlideModule>;
  return glideModule;
}

/**
 * The configuration a GLIDE client was created with. GLIDE 2.x keeps it in a private `config`
 * field (BaseClient); narwhal needs it to open dedicated connections with the same addresses,
 * credentials, TLS and timeouts.
 */
export function configOf(client: object): GlideConfig | undefined {
  const config = (client as { config?: unknown }).config;
  return typeof config === "object" && config !== null ? (config as GlideConfig) : undefined;
}

/** True for a GLIDE cluster client (`GlideClusterClient`), by class name (GLIDE is optional: no instanceof). */
export function isGlideCluster(client: object): boolean {
  for (let proto = Object.getPrototypeOf(client) as { constructor?: { name?: string } } | null; proto; proto = Object.getPrototypeOf(proto) as typeof proto) {
    if (proto.constructor?.name === "GlideClusterClient") return true;
  }
  return false;
}
