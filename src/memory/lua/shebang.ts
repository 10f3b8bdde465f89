/**
 * Redis 7.0's script shebang (`#!lua flags=no-writes,allow-oom` as a script's first line,
 * eval.c's evalExtractShebangFlags): the line is split like a redis-cli command line
 * (sdssplitargs), its first word must be `#!lua`, the only option is `flags=` with a comma
 * list of known flags. The Lua compiler then sees the script without the shebang's text but
 * with its line feed, so error lines keep the user's numbering.
 */
import type { ScriptFlags } from "../protocol";

/** A script without a shebang: Redis's "EVAL compatibility mode". */
export const COMPAT_FLAGS: ScriptFlags = Object.freeze({
  shebang: false,
  noWrites: false,
  allowOom: false,
  allowStale: false,
  noCluster: false,
  allowCrossSlotKeys: false,
});

const FLAG_NAMES: Record<string, keyof Omit<ScriptFlags, "shebang">> = {
  "no-writes": "noWrites",
  "allow-oom": "allowOom",
  "allow-stale": "allowStale",
  "no-cluster": "noCluster",
  "allow-cross-slot-keys": "allowCrossSlotKeys",
};

/** The parsed shebang: the flags and how many bytes of the body the line takes (without its `\n`). */
export interface Shebang {
  readonly flags: ScriptFlags;
  readonly length: number;
}

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };

/** sds.c's sdssplitargs: words, "double" (with \xHH and C escapes) or 'single' quoted; null on unbalanced quotes. */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isSpace(line.charCodeAt(i))) i++;
    if (i >= line.length) return out;
    let word = "";
    let inq = false; // "…"
    let insq = false; // '…'
    for (;;) {
      const ch = line[i];
      if (inq) {
        if (ch === undefined) return null;
        if (ch === "\\" && line[i + 1] === "x" && isHex(line.charCodeAt(i + 2)) && isHex(line.charCodeAt(i + 3))) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (ch === "\\" && i + 1 < line.length) {
          i++;
          word += ESCAPES[line[i]!] ?? line[i]!;
        } else if (ch === '"') {
          // The closing quote must end the word.
          if (i + 1 < line.length && !isSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else word += ch;
      } else if (insq) {
        if (ch === undefined) return null;
        if (ch === "\\" && line[i + 1] === "'") {
          i++;
          word += "'";
        } else if (ch === "'") {
          if (i + 1 < line.length && !isSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else word += ch;
      } else {
        if (ch === undefined || isSpace(ch.charCodeAt(0))) break;
        if (ch === '"') inq = true;
        else if (ch === "'") insq = true;
        else word += ch;
      }
      i++;
    }
    out.push(word);
  }
}

/**
 * The shebang of `body`: undefined when it has none, an error text (Redis's, without "ERR ")
 * when it is malformed.
 */
export function parseShebang(body: Buffer): Shebang | string | undefined {
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) return undefined; // "#!"
  const end = body.indexOf(0x0a);
  if (end < 0) return "Invalid script shebang";
  const parts = splitArgs(body.toString("latin1", 0, end));
  if (!parts || parts.length === 0) return "Invalid engine in script shebang";
  if (parts[0] !== "#!lua") return `Unexpected engine in script shebang: ${parts[0]}`;
  const flags: { -readonly [K in keyof ScriptFlags]: boolean } = { ...COMPAT_FLAGS, shebang: true };
  for (const part of parts.slice(1)) {
    if (!part.startsWith("flags=")) return `Unknown lua shebang option: ${part}`;
    const list = part.slice(6);
    // sdssplitlen: "" has no element; otherwise every comma separates one (empty ones included).
    for (const name of list === "" ? [] : list.split(",")) {
      const key = FLAG_NAMES[name];
      if (!key) return `Unexpected flag in script shebang: ${name}`;
      flags[key] = true;
    }
  }
  return { flags, length: end };
}
