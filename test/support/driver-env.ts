/**
 * The driver a test run selects, read from the environment (no vitest import: forked workers
 * such as synced-worker.ts read it too).
 */

/**
 * Which driver the standalone and cluster backends hand to `new Database()`:
 * `NARWHAL_DRIVER=node-redis` selects node-redis (`createClient`/`createCluster`, RESP2);
 * `NARWHAL_DRIVER=glide` selects Valkey GLIDE (`GlideClient` on standalone, `GlideClusterClient`
 * on the cluster; RESP2); default ioredis. The suites' `raw` assertion client stays
 * ioredis either way (an independent witness of what the Database wrote).
 */
export const driver: "node-redis" | "glide" | "ioredis" = process.env.NARWHAL_DRIVER === "node-redis" ? "node-redis" : process.env.NARWHAL_DRIVER === "glide" ? "glide" : "ioredis";

/** Which node-redis major the node-redis driver uses: `NARWHAL_NODE_REDIS=5` selects node-redis 5 (CI runs both). */
export const nodeRedisMajor = process.env.NARWHAL_NODE_REDIS === "5" ? 5 : 6;
/** The protocol of the node-redis clients: `NARWHAL_NODE_REDIS_RESP=3` selects RESP3 (narwhal maps its replies to RESP2 shapes). */
export const nodeRedisResp: 2 | 3 = process.env.NARWHAL_NODE_REDIS_RESP === "3" ? 3 : 2;

/** The protocol of the GLIDE clients: `NARWHAL_GLIDE_RESP=3` selects RESP3 (GLIDE's default; narwhal maps its replies to RESP2 shapes). */
export const glideResp: 2 | 3 = process.env.NARWHAL_GLIDE_RESP === "3" ? 3 : 2;
