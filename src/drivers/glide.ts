/**
 * A Valkey GLIDE (`@valkey/valkey-glide` 2.x) standalone `GlideClient` seen as narwhal's
 * {@link ClientLike}: commands with `customCommand` (replies and errors brought back to
 * ioredis's RESP2 shapes, see glide-replies.ts), MULTI and pipelines with GLIDE's `Batch`
 * (glide-batch.ts), dedicated connections as new `GlideClient`s of the same configuration.
 * Connection events, SUBSCRIBE and closing: glide-base.ts.
 *
 * While `reconnecting`, narwhal refuses calls at once (nothing sent). A reconnect GLIDE makes
 * with no command in flight goes unseen, which loses nothing here (no command was pending);
 * the local cache tier's CLIENT TRACKING runs on a connection of narwhal's own
 * ({@link GlideAdapter.invalidationConnection}).
 *
 * RESP2 and RESP3 clients alike (glide-replies.ts maps both to RESP2 shapes); duplicates keep
 * the client's protocol.
 */
import type { Arg } from "../command";
import { GlideBase } from "./glide-base";
import { GlideBatch } from "./glide-batch";
import { glideArgs } from "./glide-args";
import { glideInvalidationConnection } from "./glide-invalidation";
import type { Resp2Connection } from "./resp2-connection";
import { configOf, DECODER_BYTES, DECODER_STRING, type GlideClientClass, type GlideConfig, type GlideNative } from "./glide-shape";
import { duplicateOptions, noReconnect } from "./node-redis";

const BYTES = { decoder: DECODER_BYTES };
const STRING = { decoder: DECODER_STRING };

const adapters = new WeakMap<object, GlideAdapter>();

/** The adapter of a connected GLIDE client (one per client). */
export function glideAdapter(client: GlideNative): GlideAdapter {
  let adapter = adapters.get(client);
  if (!adapter) {
    const config = configOf(client) ?? {};
    adapters.set(client, (adapter = new GlideAdapter(client, config, client.constructor as unknown as GlideClientClass, true)));
  }
  return adapter;
}

/**
 * An adapter whose GLIDE client is created now from `config` (GLIDE creates clients
 * asynchronously; commands wait for it). `reconnect: false`: the first connection failure ends it.
 */
export function openGlide(clientClass: GlideClientClass, config: GlideConfig, reconnect = true): GlideAdapter {
  return new GlideAdapter(undefined, config, clientClass, reconnect);
}

/**
 * The configuration of a dedicated connection: `config` with ioredis-style duplicate options
 * read (`connectionName` becomes GLIDE's `clientName`).
 */
export function duplicateConfig(config: GlideConfig, args: readonly unknown[]): { config: GlideConfig; reconnect: boolean } {
  const io = duplicateOptions(args);
  const named = "connectionName" in io && io.connectionName !== undefined ? { clientName: io.connectionName } : {};
  return { config: { ...config, ...named }, reconnect: !noReconnect(io) };
}

export class GlideAdapter extends GlideBase {
  readonly isCluster = false;

  protected command(native: GlideNative, args: readonly Arg[], binary: boolean): Promise<unknown> {
    return native.customCommand(glideArgs(args), binary ? BYTES : STRING);
  }

  multi(): GlideBatch {
    return this.batch(true);
  }

  pipeline(): GlideBatch {
    return this.batch(false);
  }

  /**
   * A new GLIDE client with the same configuration (addresses, credentials, TLS, timeouts,
   * protocol), created now; its commands wait for it. `connectionName` becomes GLIDE's
   * `clientName`; `retryStrategy: () => null` makes the first connection failure end it.
   */
  duplicate(...args: unknown[]): GlideAdapter {
    const { config, reconnect } = duplicateConfig(this.config, args);
    return openGlide(this.clientClass, config, reconnect);
  }

  /**
   * The local tiers' invalidation connection: narwhal's own RESP2 connection to the same server,
   * with the same TLS settings and credentials (glide-invalidation.ts says why not a GLIDE one).
   */
  invalidationConnection(): Resp2Connection {
    return glideInvalidationConnection(this.config);
  }
}
