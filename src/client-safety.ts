/**
 * What narwhal requires of an ioredis client, and the options it gives the clients it creates.
 *
 * 1. No blind resend (house rule 13). By default ioredis resends every unanswered command
 *    after a reconnect (`autoResendUnfulfilledCommands`), and a Cluster re-routes a command
 *    whose connection closed (`retryDelayOnFailover`). A command Redis ran whose reply was
 *    lost then runs twice: an increment counts double, a push duplicates. narwhal's clients
 *    turn both off and report such a command as possibly applied (connection-watch.ts).
 * 2. No `keyPrefix`. ioredis prefixes the keys of the commands it knows, but not the keys a
 *    script builds from its hash tag, nor SCAN patterns, so narwhal's own `prefix` option is
 *    the one that works everywhere.
 *
 * A client passed in by the caller that breaks either rule is refused with a
 * {@link ValidationError} that names the option to set.
 */
import type { ClientLike } from "./client";
import { isClusterClient } from "./client";
import { ValidationError } from "./errors";

/** Options narwhal sets on every standalone ioredis client (and every cluster node) it creates. */
export const SAFE_REDIS_OPTIONS = { autoResendUnfulfilledCommands: false } as const;

/** Options narwhal sets on every ioredis Cluster it creates. */
export const SAFE_CLUSTER_OPTIONS = { retryDelayOnFailover: 0 } as const;

interface InspectableOptions {
  keyPrefix?: string;
  autoResendUnfulfilledCommands?: boolean;
  retryDelayOnFailover?: number;
  clusterNodeRetryStrategy?: unknown;
  redisOptions?: { keyPrefix?: string; autoResendUnfulfilledCommands?: boolean };
}

function refuse(message: string): never {
  throw new ValidationError({ path: "connection", message });
}

/** Throws when `client` (an ioredis client the caller made) would resend commands or prefix keys. */
export function assertSafeClient(client: ClientLike): void {
  const options = (client as { options?: InspectableOptions }).options;
  if (typeof options !== "object" || options === null) return;
  if (isClusterClient(client)) {
    if (options.keyPrefix || options.redisOptions?.keyPrefix) {
      refuse("this Cluster has a keyPrefix, which ioredis does not apply to script-built keys or SCAN; drop it and use narwhal's `prefix` option instead");
    }
    if ((options.retryDelayOnFailover ?? 100) > 0) {
      refuse("this Cluster resends a command whose connection closed (retryDelayOnFailover > 0), which can apply a write twice; create it with { retryDelayOnFailover: 0, redisOptions: { autoResendUnfulfilledCommands: false } } or use narwhal's createCluster()");
    }
    if (typeof options.clusterNodeRetryStrategy === "function" && options.redisOptions?.autoResendUnfulfilledCommands !== false) {
      refuse("this Cluster's nodes reconnect and resend unanswered commands, which can apply a write twice; set redisOptions: { autoResendUnfulfilledCommands: false }");
    }
    return;
  }
  if (options.keyPrefix) refuse("this client has a keyPrefix, which ioredis does not apply to script-built keys or SCAN; drop it and use narwhal's `prefix` option instead");
  if (options.autoResendUnfulfilledCommands !== false && "autoResendUnfulfilledCommands" in options) {
    refuse("this client resends unanswered commands after a reconnect (ioredis's default), which can apply a write twice; create it with { autoResendUnfulfilledCommands: false }, or pass narwhal a URL or options and let it create the client");
  }
}
