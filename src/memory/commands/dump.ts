/**
 * DUMP and RESTORE with Redis's payload format (rdb/value.ts): a DUMP of the engine restores
 * in redis-server 7.0 and a DUMP of redis-server 7.0 restores in the engine, streams included.
 * RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f] checks its options, the key,
 * the TTL and the payload in Redis's order and with its error texts; FREQ is accepted and
 * ignored (no LFU policies), IDLETIME sets what OBJECT IDLETIME reports.
 */
import type { Ctx } from "../command";
import { deriveEncoding } from "../encoding";
import { command, keyAt } from "../command";
import { fail, NOT_INTEGER, SYNTAX } from "../errors";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { BadFormat, verifyPayload } from "../rdb/format";
import { dumpValue, restoreValue } from "../rdb/value";
import { notify, NOTIFY_GENERIC } from "../notify";

function dump(ctx: Ctx): Reply {
  const value = ctx.db.lookup(keyAt(ctx, 1));
  if (!value) return null;
  return dumpValue(value);
}

function longLong(arg: Buffer): number {
  const text = arg.toString("latin1");
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fail(NOT_INTEGER);
  return Number(text);
}

function restore(ctx: Ctx): Reply {
  const argv = ctx.argv;
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const more = argv.length - j - 1;
    const opt = argv[j]!.toString("latin1").toLowerCase();
    if (opt === "replace") replace = true;
    else if (opt === "absttl") absttl = true;
    else if (opt === "idletime" && more >= 1 && freq === -1) {
      idle = longLong(argv[++j]!);
      if (idle < 0) fail("ERR Invalid IDLETIME value, must be >= 0");
    } else if (opt === "freq" && more >= 1 && idle === -1) {
      freq = longLong(argv[++j]!);
      if (freq < 0 || freq > 255) fail("ERR Invalid FREQ value, must be >= 0 and <= 255");
    } else fail(SYNTAX);
  }
  const key = keyAt(ctx, 1);
  const db = ctx.db;
  if (!replace && db.has(key)) fail("BUSYKEY Target key name already exists.");
  let ttl = longLong(argv[2]!);
  if (ttl < 0) fail("ERR Invalid TTL value, must be >= 0");
  const payload = argv[3]!;
  if (!verifyPayload(payload)) fail("ERR DUMP payload version or checksum are wrong");
  let value;
  try {
    value = restoreValue(payload);
  } catch (error) {
    if (error instanceof BadFormat) fail("ERR Bad data format");
    throw error;
  }
  const deleted = replace && db.delete(key);
  const now = ctx.engine.now();
  if (ttl > 0 && !absttl) ttl += now;
  // Already expired: nothing is created (a replaced key is gone), and the reply is still OK.
  if (ttl > 0 && ttl <= now) {
    if (deleted) notify(ctx, NOTIFY_GENERIC, "del", key);
    return new StatusReply("OK");
  }
  deriveEncoding(value, ctx.engine.encodingLimits); // rdbLoadObject converts by content and the current thresholds
  db.set(key, value);
  if (ttl > 0) db.expires.set(key, ttl);
  if (idle >= 0) value.at = db.accessClock - idle * 1000;
  // dbAdd's signalKeyAsReady: clients blocked on the key (BLPOP, BZPOPMIN, XREAD) are served.
  if (value.type === "list" || value.type === "zset" || value.type === "stream") db.ready(key);
  notify(ctx, NOTIFY_GENERIC, "restore", key);
  return new StatusReply("OK");
}

export const dumpCommands = [command("dump", 2, dump), command("restore", -4, restore)];
