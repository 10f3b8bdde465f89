/**
 * Commands the RESP server answers itself (connection state, introspection): HELLO, CLIENT,
 * INFO, COMMAND (AUTH and requirepass are in auth.ts), and the fallbacks PING / ECHO / SELECT (used when the dispatcher does not
 * know them). Pub/sub lives in connection.ts with the subscription state.
 */
import { Buffer } from "node:buffer";
import { arch, platform } from "node:os";
import { ErrorReply, MapReply, StatusReply, type ClientDescription, type Dispatcher, type Reply, type Session } from "../protocol";
import { NOAUTH_HELLO, WRONGPASS } from "./auth";
import type { ErrorStats } from "./server-stats";
import type { CommandStats } from "../command-stats";

export const REDIS_VERSION = "7.0.15";
export const DATABASES = 16;

/** What these commands may read from the server and the calling connection. */
export interface ServerInfo {
  readonly dispatcher: Dispatcher;
  readonly port: number;
  readonly startedAt: number;
  readonly clients: number;
  /** Clients waiting in a blocking command (BLPOP, BZPOPMIN, XREAD BLOCK…). */
  readonly blocked: number;
  /** Clients with CLIENT TRACKING on. */
  readonly tracking: number;
  readonly errors: ErrorStats;
  /** INFO commandstats (the engine's, with this server's own commands' calls). */
  readonly commands: CommandStats;
}

export interface ClientView {
  readonly session: Session;
  readonly address: string;
  readonly localAddress: string;
  readonly createdAt: number;
  readonly subscriptions: number;
  readonly patternCount: number;
  /** The blocking command the client waits in (CLIENT LIST flag `b`), if any. */
  readonly blockedIn: string | undefined;
  /** Commands queued since MULTI (-1: not in MULTI). */
  readonly queuedCount: number;
  /** The last command run or queued, as Redis names it in CLIENT LIST (`client|list`). */
  readonly lastCommand: string;
  /** The engine's state of this client (tracking, dirty WATCH), when the dispatcher reports it. */
  describe(): ClientDescription | undefined;
  /** In MONITOR mode (CLIENT LIST flag `O`). */
  readonly monitoring?: boolean;
  /** CLIENT LIST's idle and buffer fields (a view without them reports 0). */
  buffers?(): ClientBuffers;
}

/**
 * What CLIENT LIST reports of a connection's buffers, in bytes: `qbuf` the bytes received
 * whose batch has not finished (Redis's query buffer before it trims; a partial request
 * after), `argvMem` the running or blocked command's arguments, `rbs` the reply buffer's
 * size and `rbp` the most it held, `obl` replies written and not yet handed to the socket,
 * `oll`/`omem` writes (and their bytes) the socket has not sent yet.
 */
export interface ClientBuffers {
  readonly idle: number;
  readonly qbuf: number;
  readonly argvMem: number;
  readonly rbs: number;
  readonly rbp: number;
  readonly obl: number;
  readonly oll: number;
  readonly omem: number;
}

const NO_BUFFERS: ClientBuffers = { idle: 0, qbuf: 0, argvMem: 0, rbs: 0, rbp: 0, obl: 0, oll: 0, omem: 0 };

/** CLIENT LIST's flags in Redis's order: P (pub/sub), x (MULTI), b (blocked), t/R/B (tracking, broken redirect, BCAST), d (dirty WATCH), else N. */
function flags(c: ClientView, d: ClientDescription | undefined): string {
  let f = "";
  if (c.monitoring) f += "O";
  if (c.subscriptions + c.patternCount > 0) f += "P";
  if (c.queuedCount >= 0) f += "x";
  if (c.blockedIn !== undefined) f += "b";
  if (d?.tracking) f += "t";
  if (d?.brokenRedirect) f += "R";
  if (d?.bcast) f += "B";
  if (d?.dirty) f += "d";
  return f === "" ? "N" : f;
}

const str = (b: Buffer | undefined) => (b ? b.toString() : "");
export const arity = (name: string) => new ErrorReply(`ERR wrong number of arguments for '${name}' command`);
const bulk = (s: string) => Buffer.from(s);

/** How HELLO's AUTH option reaches the connection's authentication state. */
export interface HelloAuth {
  readonly authenticated: boolean;
  /** Checks `user`/`pass`; on success the client is authenticated. */
  login(user: Buffer, pass: Buffer): boolean;
}

export function hello(argv: readonly Buffer[], client: ClientView, auth?: HelloAuth): Reply {
  const session = client.session;
  let proto = session.protocol;
  if (argv.length >= 2) {
    const v = str(argv[1]);
    if (!/^-?\d+$/.test(v)) return new ErrorReply("ERR Protocol version is not an integer or out of range");
    if (v !== "2" && v !== "3") return new ErrorReply("NOPROTO unsupported protocol version");
    proto = v === "3" ? 3 : 2;
  }
  let name: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    const opt = str(argv[i]).toLowerCase();
    if (opt === "auth" && i + 2 < argv.length) {
      if (auth && !auth.login(argv[i + 1]!, argv[i + 2]!)) return WRONGPASS;
      i += 2;
    } else if (opt === "setname" && i + 1 < argv.length) {
      name = str(argv[++i]);
      if (/[\s]/.test(name)) return new ErrorReply("ERR Client names cannot contain spaces, newlines or special characters.");
    } else return new ErrorReply(`ERR Syntax error in HELLO option '${str(argv[i])}'`);
  }
  if (auth && !auth.authenticated) return NOAUTH_HELLO;
  session.protocol = proto;
  if (name !== undefined) session.name = name;
  return new MapReply([
    [bulk("server"), bulk("redis")],
    [bulk("version"), bulk(REDIS_VERSION)],
    [bulk("proto"), proto],
    [bulk("id"), session.id],
    [bulk("mode"), bulk("standalone")],
    [bulk("role"), bulk("master")],
    [bulk("modules"), []],
  ]);
}

function clientInfoLine(c: ClientView): string {
  const s = c.session;
  const d = c.describe();
  const age = Math.floor((Date.now() - c.createdAt) / 1000);
  const b = c.buffers?.() ?? NO_BUFFERS;
  // tot-mem: the buffers above (Redis adds its client struct's own size, which has no equivalent here).
  const total = b.qbuf + b.argvMem + b.rbs + b.omem;
  return (
    `id=${s.id} addr=${c.address} laddr=${c.localAddress} fd=8 name=${s.name ?? ""} age=${age} idle=${b.idle} flags=${flags(c, d)} db=${s.db} ` +
    `sub=${c.subscriptions} psub=${c.patternCount} ssub=0 multi=${c.queuedCount} qbuf=${b.qbuf} qbuf-free=0 argv-mem=${b.argvMem} multi-mem=0 rbs=${b.rbs} rbp=${b.rbp} obl=${b.obl} ` +
    `oll=${b.oll} omem=${b.omem} tot-mem=${total} events=r cmd=${c.lastCommand} user=default redir=${d?.tracking ? d.redirect : -1} resp=${s.protocol}\n`
  );
}

/** How Redis's log names a client (CLIENT LIST's line without the newline). */
export function clientDescription(c: ClientView): string {
  return clientInfoLine(c).trimEnd();
}

export function client(argv: readonly Buffer[], c: ClientView, all: () => ClientView[]): Reply {
  const sub = str(argv[1]).toLowerCase();
  switch (sub) {
    case "setname": {
      if (argv.length !== 3) return arity("client|setname");
      const name = str(argv[2]);
      if (/[^!-~]/.test(name)) return new ErrorReply("ERR Client names cannot contain spaces, newlines or special characters.");
      c.session.name = name === "" ? undefined : name;
      return new StatusReply("OK");
    }
    case "getname":
      return c.session.name === undefined ? null : bulk(c.session.name);
    case "id":
      return c.session.id;
    case "info":
      return bulk(clientInfoLine(c));
    case "list":
      return bulk(all().map(clientInfoLine).join(""));
    case "setinfo":
    case "no-evict":
    case "no-touch":
      return new StatusReply("OK");
    default:
      return new ErrorReply(`ERR unknown subcommand '${str(argv[1])}'. Try CLIENT HELP.`);
  }
}

/** Redis 7.0's sections for INFO and INFO default (`all`/`everything` add commandstats). */
const DEFAULT_SECTIONS = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "module_list", "errorstats", "cluster", "keyspace"];

export function info(argv: readonly Buffer[], server: ServerInfo): Reply {
  const wanted = new Set<string>();
  let all = argv.length === 1;
  for (const a of argv.slice(1)) {
    const name = str(a).toLowerCase();
    if (name === "all" || name === "everything") all = true;
    else if (name === "default") DEFAULT_SECTIONS.forEach((d) => wanted.add(d));
    else wanted.add(name);
  }
  if (argv.length === 1) DEFAULT_SECTIONS.forEach((d) => wanted.add(d));
  const everything = all && !(argv.length === 1);
  const want = (s: string) => everything || wanted.has(s);
  const uptime = Math.floor((Date.now() - server.startedAt) / 1000);
  const mem = process.memoryUsage();
  const sections: string[] = [];
  if (want("server")) {
    sections.push(
      [
        "# Server",
        `redis_version:${REDIS_VERSION}`,
        "redis_mode:standalone",
        `os:${platform()} ${arch()}`,
        "arch_bits:64",
        "multiplexing_api:node",
        `process_id:${process.pid}`,
        `tcp_port:${server.port}`,
        `uptime_in_seconds:${uptime}`,
        `uptime_in_days:${Math.floor(uptime / 86400)}`,
        "executable:narwhal",
        "narwhal_engine:embedded",
      ].join("\r\n"),
    );
  }
  if (want("clients")) {
    sections.push(["# Clients", `connected_clients:${server.clients}`, "cluster_connections:0", "maxclients:10000", `blocked_clients:${server.blocked}`, `tracking_clients:${server.tracking}`].join("\r\n"));
  }
  if (want("memory")) {
    // The engine's own estimate, limit and policy (maxmemory) when it reports them; else the process's heap.
    const own = engineSection(server.dispatcher, "memory");
    sections.push(
      own ??
        [
          "# Memory",
          `used_memory:${mem.heapUsed}`,
          `used_memory_human:${(mem.heapUsed / 1048576).toFixed(2)}M`,
          `used_memory_rss:${mem.rss}`,
          `used_memory_rss_human:${(mem.rss / 1048576).toFixed(2)}M`,
          "maxmemory:0",
          "maxmemory_policy:noeviction",
          "mem_allocator:v8",
        ].join("\r\n"),
    );
  }
  if (want("persistence")) {
    const own = engineSection(server.dispatcher, "persistence");
    if (own) sections.push(own);
  }
  // Stats: the engine's counters (evicted_keys) and the error replies this server sent.
  if (want("stats")) sections.push([engineSection(server.dispatcher, "stats") ?? "# Stats", `total_error_replies:${server.errors.total}`].join("\r\n"));
  // No replicas: a master with none attached and nothing in a backlog.
  if (want("replication")) sections.push(["# Replication", "role:master", "connected_slaves:0", "master_failover_state:no-failover", "master_repl_offset:0", "second_repl_offset:-1", "repl_backlog_active:0"].join("\r\n"));
  if (want("cpu")) sections.push(cpuSection());
  if (want("modules") || want("module_list")) sections.push("# Modules");
  if (want("commandstats")) sections.push(server.commands.section());
  if (want("errorstats")) sections.push(server.errors.section());
  if (want("cluster")) sections.push("# Cluster\r\ncluster_enabled:0");
  if (want("keyspace")) sections.push(keyspace(server.dispatcher));
  return bulk(sections.join("\r\n\r\n") + "\r\n");
}

/** The process's CPU time (getrusage), as Redis's `# CPU`; the server starts no child processes. */
function cpuSection(): string {
  const usage = process.resourceUsage();
  const secs = (us: number) => `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, "0")}`;
  return ["# CPU", `used_cpu_sys:${secs(usage.systemCPUTime)}`, `used_cpu_user:${secs(usage.userCPUTime)}`, "used_cpu_sys_children:0.000000", "used_cpu_user_children:0.000000"].join("\r\n");
}

/** The engine's own INFO section `name` (e.g. `# Memory`), or undefined when its INFO has none. */
function engineSection(dispatcher: Dispatcher, name: string): string | undefined {
  const own = dispatcher.dispatch({ id: 0, db: 0, protocol: 2 }, [Buffer.from("INFO"), Buffer.from(name)]);
  if (!Buffer.isBuffer(own)) return undefined;
  const text = own.toString();
  const start = text.toLowerCase().indexOf(`# ${name}`);
  return start >= 0 ? text.slice(start).split(/\r\n\r\n/)[0]!.trimEnd() : undefined;
}

/** The engine's own `# Keyspace` section when its INFO has one (it knows expires), else DBSIZE per database. */
function keyspace(dispatcher: Dispatcher): string {
  const probe = { id: 0, db: 0, protocol: 2 as const };
  const own = dispatcher.dispatch(probe, [Buffer.from("INFO"), Buffer.from("keyspace")]);
  if (Buffer.isBuffer(own)) {
    const text = own.toString();
    const start = text.indexOf("# Keyspace");
    if (start >= 0) return text.slice(start).split(/\r\n\r\n/)[0]!.trimEnd();
  }
  const lines = ["# Keyspace"];
  for (let db = 0; db < DATABASES; db++) {
    const n = dispatcher.dispatch({ ...probe, db }, [Buffer.from("DBSIZE")]);
    if (typeof n === "number" && n > 0) lines.push(`db${db}:keys=${n},expires=0,avg_ttl=0`);
  }
  return lines.join("\r\n");
}

export function ping(argv: readonly Buffer[]): Reply {
  if (argv.length > 2) return arity("ping");
  return argv.length === 2 ? argv[1]! : new StatusReply("PONG");
}

export function echo(argv: readonly Buffer[]): Reply {
  return argv.length === 2 ? argv[1]! : arity("echo");
}

export function select(argv: readonly Buffer[], session: Session): Reply {
  if (argv.length !== 2) return arity("select");
  const v = str(argv[1]);
  if (!/^-?\d+$/.test(v)) return new ErrorReply("ERR value is not an integer or out of range");
  const db = Number(v);
  if (db < 0 || db >= DATABASES) return new ErrorReply("ERR DB index is out of range");
  session.db = db;
  return new StatusReply("OK");
}
