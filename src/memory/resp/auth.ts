/**
 * `requirepass` for `narwhal serve`: the AUTH command, HELLO's `AUTH <user> <pass>` option,
 * the NOAUTH gate, and protected mode's DENIED text, as redis-server 7.0 has them (one
 * user, `default`). Passwords are compared in constant time: both sides are hashed with
 * SHA-256 and compared with crypto.timingSafeEqual, as Redis's time-independent compare does.
 */
import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import { ErrorReply, StatusReply, type Reply } from "../protocol";

export const NOAUTH = new ErrorReply("NOAUTH Authentication required.");
export const WRONGPASS = new ErrorReply("WRONGPASS invalid username-password pair or user is disabled.");
export const NOAUTH_HELLO = new ErrorReply(
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
);
const NO_PASSWORD = new ErrorReply(
  "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
);

/** Sent to a non-loopback client, before closing it, while protected mode is on and no password is set. */
export const PROTECTED_MODE_DENIED =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
  "In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you " +
  "may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the " +
  "loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible " +
  "from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode " +
  "by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you " +
  "started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password " +
  "for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from " +
  "the outside.\r\n";

/** Commands a client may send before authenticating (Redis 7.0's NO_AUTH flag). */
export const NO_AUTH_COMMANDS = new Set(["auth", "hello", "quit", "reset", "post", "host:"]);

const digest = (b: Buffer) => createHash("sha256").update(b).digest();

/** The server's password (`requirepass`); empty means none, as in Redis. Mutable so CONFIG SET can change it. */
export class Password {
  private hash: Buffer | undefined;

  constructor(password?: string | Buffer) {
    this.set(password);
  }

  set(password: string | Buffer | undefined): void {
    const bytes = typeof password === "string" ? Buffer.from(password) : password;
    this.hash = bytes && bytes.length > 0 ? digest(bytes) : undefined;
  }

  get required(): boolean {
    return this.hash !== undefined;
  }

  /** True when `user`/`pass` log in as `default` (any password when none is set, as Redis's nopass user). */
  check(user: Buffer, pass: Buffer): boolean {
    if (user.toString("latin1") !== "default") return false;
    return this.hash === undefined || timingSafeEqual(digest(pass), this.hash);
  }
}

/** AUTH [user] password: the reply, and whether the client is now authenticated. */
export function auth(argv: readonly Buffer[], password: Password): { reply: Reply; ok: boolean } {
  if (argv.length < 2) return { reply: new ErrorReply("ERR wrong number of arguments for 'auth' command"), ok: false };
  if (argv.length > 3) return { reply: new ErrorReply("ERR syntax error"), ok: false };
  if (argv.length === 2 && !password.required) return { reply: NO_PASSWORD, ok: false };
  const [user, pass] = argv.length === 2 ? [Buffer.from("default"), argv[1]!] : [argv[1]!, argv[2]!];
  return password.check(user, pass) ? { reply: new StatusReply("OK"), ok: true } : { reply: WRONGPASS, ok: false };
}

/** True for an address on the loopback interface (Redis's islocalClient: 127.x or ::1; IPv4-mapped too). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return true; // a unix socket
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a.startsWith("127.") || a === "::1";
}
