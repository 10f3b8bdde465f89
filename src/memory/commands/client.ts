/**
 * CLIENT in the engine: ID, GETNAME/SETNAME, LIST, KILL, UNBLOCK, and the client-side caching
 * subcommands TRACKING, CACHING, GETREDIR and TRACKINGINFO with Redis 7.0's checks and error
 * texts (see tracking.ts). The RESP server answers the connection-level ones (INFO, LIST with
 * addresses…) itself and forwards tracking and KILL here.
 */
import { Buffer } from "node:buffer";
import type { ClientEndpoint } from "../tracking";
import type { Ctx } from "../command";
import { command } from "../command";
import { fail, SYNTAX } from "../errors";
import { ErrorReply, MapReply, SetReply, StatusReply } from "../protocol";
import type { Reply } from "../protocol";

const OK = new StatusReply("OK");
/** CLIENT REPLY through the embedded engine (a MemoryClient): refused, each call resolves with its own reply. */
export const CLIENT_REPLY_EMBEDDED = "ERR CLIENT REPLY is not supported by the embedded engine's clients (every call resolves with its reply); it works on `narwhal serve` connections";
const str = (b: Buffer | undefined) => (b ? b.toString("latin1") : "");
const lower = (b: Buffer | undefined) => str(b).toLowerCase();

function integer(b: Buffer | undefined): number {
  const s = str(b);
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) fail("ERR value is not an integer or out of range");
  return Number(s);
}

/** True when one of the two strings is a prefix of the other (Redis's stringCheckPrefix). */
const overlaps = (a: string, b: string) => (a.length <= b.length ? b.startsWith(a) : a.startsWith(b));

function tracking(ctx: Ctx): Reply {
  const { argv, engine, session } = ctx;
  const t = engine.tracking;
  let redirect = 0;
  const o = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = lower(argv[j]);
    const more = argv.length - 1 - j > 0;
    if (opt === "redirect" && more) {
      j++;
      if (redirect !== 0) fail("ERR A client can only redirect to a single other client");
      redirect = integer(argv[j]);
      if (!t.sessions.has(redirect)) fail("ERR The client ID you want redirect to does not exist");
    } else if (opt === "bcast") o.bcast = true;
    else if (opt === "optin") o.optin = true;
    else if (opt === "optout") o.optout = true;
    else if (opt === "noloop") o.noloop = true;
    else if (opt === "prefix" && more) prefixes.push(str(argv[++j]));
    else fail(SYNTAX);
  }
  const mode = lower(argv[2]);
  if (mode === "off") {
    t.disable(session);
    return OK;
  }
  if (mode !== "on") fail(SYNTAX);
  const current = t.state(session);
  if (!o.bcast && prefixes.length > 0) fail("ERR PREFIX option requires BCAST mode to be enabled");
  if (current && current.bcast !== o.bcast) {
    fail("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  if (o.bcast && (o.optin || o.optout)) fail("ERR OPTIN and OPTOUT are not compatible with BCAST");
  if (o.optin && o.optout) fail("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (current && ((o.optin && current.optout) || (o.optout && current.optin))) {
    fail("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  if (o.bcast) {
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      for (const existing of current?.prefixes ?? []) {
        if (overlaps(existing, p)) fail(`ERR Prefix '${p}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`);
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (overlaps(p, prefixes[j]!)) fail(`ERR Prefix '${p}' overlaps with another provided prefix '${prefixes[j]!}'. Prefixes for a single client must not overlap.`);
      }
    }
  }
  t.enable(session, { redirect, ...o, prefixes });
  return OK;
}

function caching(ctx: Ctx): Reply {
  const state = ctx.engine.tracking.state(ctx.session);
  if (!state) fail("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
  const opt = lower(ctx.argv[2]);
  if (opt === "yes") {
    if (!state.optin) fail("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  } else if (opt === "no") {
    if (!state.optout) fail("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  } else fail(SYNTAX);
  state.caching = true;
  return OK;
}

function trackingInfo(ctx: Ctx): Reply {
  const s = ctx.engine.tracking.state(ctx.session);
  const flags: string[] = [s ? "on" : "off"];
  if (s?.bcast) flags.push("bcast");
  if (s?.optin) flags.push("optin", ...(s.caching ? ["caching-yes"] : []));
  if (s?.optout) flags.push("optout", ...(s.caching ? ["caching-no"] : []));
  if (s?.noloop) flags.push("noloop");
  if (s?.brokenRedirect) flags.push("broken_redirect");
  const b = (x: string) => Buffer.from(x, "latin1");
  return new MapReply([
    [b("flags"), new SetReply(flags.map(b))],
    [b("redirect"), s ? s.redirect : -1],
    [b("prefixes"), [...(s?.prefixes ?? [])].sort().map(b)],
  ]);
}

/** CLIENT KILL addr (old form: OK or an error) or CLIENT KILL <filter value>… (count). Filters: ID, ADDR, TYPE, SKIPME. */
function kill(ctx: Ctx): Reply {
  const { argv, engine, session } = ctx;
  const all = [...engine.tracking.sessions.values()];
  if (argv.length === 3) {
    const addr = str(argv[2]);
    const victim = all.find((c) => c.endpoint?.address === addr);
    if (!victim?.endpoint) fail("ERR No such client");
    killClient(victim.endpoint, victim.session === session);
    return OK;
  }
  if ((argv.length - 2) % 2 !== 0) fail(SYNTAX);
  let id: number | undefined;
  let addr: string | undefined;
  let laddr: string | undefined;
  let type: string | undefined;
  let skipme = true;
  for (let j = 2; j < argv.length; j += 2) {
    const f = lower(argv[j]);
    const v = argv[j + 1];
    if (f === "id") {
      // getRangeLongFromObjectOrReply(1, LONG_MAX): any bad or out-of-range value gets this one text.
      const text = str(v);
      id = /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (!(id >= 1 && id <= Number.MAX_SAFE_INTEGER)) fail("ERR client-id should be greater than 0");
    } else if (f === "addr") addr = str(v);
    else if (f === "laddr") laddr = str(v);
    // Without ACL there is one user, `default`, as Redis has out of the box.
    else if (f === "user") {
      if (str(v) !== "default") fail(`ERR No such user '${str(v)}'`);
    }
    else if (f === "type") {
      type = lower(v);
      if (!["normal", "pubsub", "master", "replica", "slave"].includes(type)) fail(`ERR Unknown client type '${str(v)}'`);
    } else if (f === "skipme") {
      const yes = lower(v);
      if (yes !== "yes" && yes !== "no") fail(SYNTAX);
      skipme = yes === "yes";
    } else fail(SYNTAX);
  }
  let killed = 0;
  for (const c of all) {
    if (!c.endpoint) continue;
    if (id !== undefined && c.session.id !== id) continue;
    if (addr !== undefined && c.endpoint.address !== addr) continue;
    if (laddr !== undefined && c.endpoint.localAddress !== laddr) continue;
    if (type === "pubsub" && !c.endpoint.subscribed) continue;
    if (type === "normal" && c.endpoint.subscribed) continue;
    if (type === "master" || type === "replica" || type === "slave") continue;
    if (skipme && c.session === session) continue;
    killClient(c.endpoint, c.session === session);
    killed++;
  }
  return killed;
}

/** The caller itself is closed after its reply, as Redis does; other clients at once. */
function killClient(endpoint: ClientEndpoint, self: boolean): void {
  if (self && endpoint.killAfterReply) endpoint.killAfterReply();
  else endpoint.kill();
}

/**
 * CLIENT UNBLOCK id [TIMEOUT|ERROR]: a client waiting in a blocking command gets its timeout
 * reply (nil) or `-UNBLOCKED …` at once; 1 when it was blocked, else 0. Redis's checks, in its order.
 */
function unblock(ctx: Ctx): Reply {
  const { argv, engine } = ctx;
  if (argv.length > 4) fail(`ERR unknown subcommand or wrong number of arguments for '${str(argv[1])}'. Try CLIENT HELP.`);
  let error = false;
  if (argv.length === 4) {
    const reason = lower(argv[3]);
    if (reason === "error") error = true;
    else if (reason !== "timeout") fail("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  }
  const target = engine.tracking.sessions.get(integer(argv[2]))?.session;
  if (!target) return 0;
  return engine.blocking.cancel(target, error ? new ErrorReply("UNBLOCKED client unblocked via CLIENT UNBLOCK") : null) ? 1 : 0;
}

function list(ctx: Ctx): Reply {
  let out = "";
  for (const c of ctx.engine.tracking.sessions.values()) {
    const s = c.session;
    const sub = c.endpoint?.subscribed ? 1 : 0;
    out += `id=${s.id} addr=${c.endpoint?.address ?? "memory"} name=${s.name ?? ""} db=${s.db} sub=${sub} psub=0 flags=${sub ? "P" : "N"} resp=${s.protocol}\n`;
  }
  return Buffer.from(out, "latin1");
}

export const clientCommand = command("client", -2, () => null, {
  noscript: true,
  subcommands: [
    command("client|id", 2, (ctx) => ctx.session.id),
    command("client|getname", 2, (ctx) => (ctx.session.name === undefined ? null : Buffer.from(ctx.session.name, "latin1"))),
    command("client|setname", 3, (ctx) => {
      const name = str(ctx.argv[2]);
      if (/[^!-~]/.test(name)) fail("ERR Client names cannot contain spaces, newlines or special characters.");
      ctx.session.name = name === "" ? undefined : name;
      return OK;
    }),
    command("client|list", -2, list),
    command("client|kill", -3, kill),
    command("client|tracking", -3, tracking),
    command("client|caching", 3, caching),
    command("client|getredir", 2, (ctx) => {
      const s = ctx.engine.tracking.state(ctx.session);
      return s ? s.redirect : -1;
    }),
    command("client|trackinginfo", 2, trackingInfo),
    command("client|unblock", -3, unblock),
    // `narwhal serve` answers CLIENT REPLY itself (resp/client-reply.ts); a MemoryClient's call is a promise that needs its reply.
    command("client|reply", 3, () => fail(CLIENT_REPLY_EMBEDDED)),
  ],
});
