/** Every command the engine implements, one list per family. */
import type { CommandSpec } from "../command";
import { hashCommands } from "./hashes";
import { hllCommands } from "./hll";
import { keyCommands } from "./keys";
import { listCommands } from "./lists";
import { blockingListCommands } from "./lists-blocking";
import { setCommands } from "./sets";
import { zsetOpCommands } from "./zset-ops";
import { zsetCommands } from "./zsets";
import { scriptingCommands } from "./scripting";
import { functionCommands } from "./functions";
import { configCommands } from "./config";
import { registerEncodingConfig } from "./encoding-config";
import { registerMemoryConfig } from "./memory-config";
import { registerNotifyConfig } from "./notify-config";
import { registerTrackingConfig } from "./tracking-config";
import { serverCommands } from "./server";
import { stringCommands } from "./strings";
import { transactionCommands } from "./transactions";
import { streamCommands } from "./streams";
import { streamGroupCommands } from "./stream-groups";
import { streamClaimCommands } from "./stream-claim";
import { streamReadCommands } from "./stream-read";
import { streamInfoCommands } from "./stream-info";
import { bitCommands } from "./bits";
import { bitfieldCommands } from "./bitfield";
import { lcsCommands } from "./lcs";
import { objectCommand } from "./object";
import { sortCommands } from "./sort";
import { dumpCommands } from "./dump";
import { memoryCommand } from "./memory-usage";

registerMemoryConfig(); // maxmemory and maxmemory-policy in CONFIG GET/SET (a call: sideEffects is false)
registerEncodingConfig(); // hash-max-listpack-entries… (OBJECT ENCODING thresholds) in CONFIG GET/SET
registerNotifyConfig(); // notify-keyspace-events
registerTrackingConfig(); // tracking-table-max-keys

export const allCommands: readonly CommandSpec[] = [
  ...keyCommands,
  ...serverCommands,
  ...stringCommands,
  ...hashCommands,
  ...listCommands,
  ...blockingListCommands,
  ...setCommands,
  ...zsetCommands,
  ...zsetOpCommands,
  ...hllCommands,
  ...transactionCommands,
  ...scriptingCommands,
  ...functionCommands,
  ...configCommands,
  ...streamCommands,
  ...streamGroupCommands,
  ...streamClaimCommands,
  ...streamReadCommands,
  ...streamInfoCommands,
  ...bitCommands,
  ...bitfieldCommands,
  ...lcsCommands,
  objectCommand,
  ...sortCommands,
  ...dumpCommands,
  memoryCommand,
];
