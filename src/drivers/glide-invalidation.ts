/**
 * The local tiers' invalidation connection on Valkey GLIDE: a {@link Resp2Connection} of
 * narwhal's own, opened from the GLIDE client's configuration (address, TLS, credentials,
 * connection timeout). GLIDE's own connections cannot host it: GLIDE allows pub/sub only on
 * RESP3, where Redis sends CLIENT TRACKING invalidations as `invalidate` pushes that GLIDE
 * drops, and GLIDE reconnects without telling, so tracking state lost with a connection would
 * go unseen (test/integration/glide-blockers.test.ts pins both). A Resp2Connection never
 * reconnects: a lost one emits `close`, and tracking-connection.ts opens another and re-enables
 * tracking.
 */
import { ValidationError } from "../errors";
import { Resp2Connection } from "./resp2-connection";
import type { GlideAddress, GlideConfig } from "./glide-shape";

/** The parts of a GLIDE configuration the invalidation connection reads. */
interface GlideConnectionSettings {
  readonly useTLS?: boolean;
  readonly credentials?: { readonly username?: string; readonly password?: string; readonly iamConfig?: unknown };
  readonly advancedConfiguration?: {
    readonly connectionTimeout?: number;
    readonly tlsAdvancedConfiguration?: { readonly insecure?: boolean; readonly rootCertificates?: string | Buffer };
  };
}

/** GLIDE's default `connectionTimeout` (ms). */
const GLIDE_DEFAULT_CONNECT_TIMEOUT = 2000;

/**
 * A new RESP2 connection to `address` (default: the configuration's first address) with the
 * configuration's TLS settings and credentials. IAM credentials (a token GLIDE refreshes) are
 * refused with a ValidationError: this connection could only send a stale one.
 */
export function glideInvalidationConnection(config: GlideConfig, address: GlideAddress = config.addresses?.[0] ?? {}): Resp2Connection {
  const settings = config as GlideConfig & GlideConnectionSettings;
  const credentials = settings.credentials;
  if (credentials?.iamConfig !== undefined) {
    throw new ValidationError({
      path: "connection",
      message: "the local tier and db.synced() need a connection of narwhal's own for CLIENT TRACKING invalidations, which cannot authenticate with GLIDE's IAM credentials; use a password",
    });
  }
  const host = address.host ?? "localhost";
  const tlsSettings = settings.advancedConfiguration?.tlsAdvancedConfiguration;
  const tls = settings.useTLS
    ? {
        ...(tlsSettings?.insecure ? { rejectUnauthorized: false } : {}),
        ...(tlsSettings?.rootCertificates !== undefined ? { ca: tlsSettings.rootCertificates } : {}),
      }
    : undefined;
  return new Resp2Connection({
    host,
    port: address.port ?? 6379,
    ...(tls ? { tls } : {}),
    ...(credentials?.password !== undefined ? { password: credentials.password, ...(credentials.username !== undefined ? { username: credentials.username } : {}) } : {}),
    connectTimeout: settings.advancedConfiguration?.connectionTimeout ?? GLIDE_DEFAULT_CONNECT_TIMEOUT,
  });
}
