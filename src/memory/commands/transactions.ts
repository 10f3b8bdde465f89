/** MULTI, EXEC, DISCARD, WATCH, UNWATCH (queueing itself happens in Engine.dispatch). */
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail } from "../errors";
import { ErrorReply, StatusReply } from "../protocol";
import type { QueuedCall, Reply } from "../protocol";
import { unwatchAll, watchedKeyExpired, watchKey } from "../transactions-state";

const OK = new StatusReply("OK");

function exec(ctx: Ctx): Reply {
  const client = ctx.client;
  const queue = client.multi;
  if (!queue) fail("ERR EXEC without MULTI");
  client.multi = null;
  if (client.multiError) {
    client.multiError = false;
    unwatchAll(client);
    fail("EXECABORT Transaction discarded because of previous errors.");
  }
  const dirty = client.dirty || watchedKeyExpired(client, ctx.engine.now());
  unwatchAll(client);
  if (dirty) return null;
  return queue.map((q) => (Array.isArray(q) ? ctx.engine.executeQueued(ctx.session, client, q) : runCall(q as QueuedCall)));
}

/** A connection-level command queued inside MULTI (PUBLISH, INFO…): an exception costs its reply only. */
function runCall(call: QueuedCall): Reply {
  try {
    return call.run();
  } catch (error) {
    return new ErrorReply(`ERR ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const transactionCommands = [
  command(
    "multi",
    1,
    (ctx) => {
      if (ctx.client.multi) fail("ERR MULTI calls can not be nested");
      ctx.client.multi = [];
      ctx.client.multiError = false;
      return OK;
    },
    { noscript: true },
  ),
  command("exec", 1, exec, { noscript: true }),
  command(
    "discard",
    1,
    (ctx) => {
      if (!ctx.client.multi) fail("ERR DISCARD without MULTI");
      ctx.client.multi = null;
      ctx.client.multiError = false;
      unwatchAll(ctx.client);
      return OK;
    },
    { noscript: true },
  ),
  command(
    "watch",
    -2,
    (ctx) => {
      if (ctx.client.multi) fail("ERR WATCH inside MULTI is not allowed");
      for (let i = 1; i < ctx.argv.length; i++) watchKey(ctx.client, ctx.db, keyAt(ctx, i), ctx.engine.now());
      return OK;
    },
    { noscript: true },
  ),
  command(
    "unwatch",
    1,
    (ctx) => {
      unwatchAll(ctx.client);
      return OK;
    },
    { noscript: true },
  ),
];
