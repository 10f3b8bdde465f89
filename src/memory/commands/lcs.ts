/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of
 * two strings, Redis 7.0's algorithm step for step (the dynamic-programming table, then the
 * walk back from the end that emits the match ranges last-first), so the string, the ranges
 * and their order are Redis's. The table takes (len1+1)·(len2+1)·4 bytes: past the engine's
 * reply limit (512 MiB by default) it answers Redis's "Insufficient memory" error.
 */
import { Buffer } from "node:buffer";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, NOT_INTEGER, SYNTAX } from "../errors";
import { MapReply } from "../protocol";
import type { Reply } from "../protocol";

function stringAt(ctx: Ctx, i: number): Buffer | undefined {
  const v = ctx.db.lookup(keyAt(ctx, i));
  if (v && v.type !== "string") fail("ERR The specified keys must contain string values");
  return v?.v as Buffer | undefined;
}

function lcs(ctx: Ctx): Reply {
  const a = stringAt(ctx, 1) ?? Buffer.alloc(0);
  const b = stringAt(ctx, 2) ?? Buffer.alloc(0);
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  const argv = ctx.argv;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toString("latin1").toLowerCase();
    if (opt === "idx") getIdx = true;
    else if (opt === "len") getLen = true;
    else if (opt === "withmatchlen") withMatchLen = true;
    else if (opt === "minmatchlen" && j + 1 < argv.length) {
      const text = argv[++j]!.toString("latin1");
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fail(NOT_INTEGER);
      minMatchLen = Math.max(0, Number(text));
    } else fail(SYNTAX);
  }
  if (getIdx && getLen) fail("ERR If you want both the length and indexes, please just use IDX.");
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > ctx.engine.replyLimit()) fail("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  const dp = new Uint32Array(cells);
  const w = blen + 1;
  for (let i = 1; i <= alen; i++) {
    for (let j = 1; j <= blen; j++) {
      dp[i * w + j] = a[i - 1] === b[j - 1] ? dp[(i - 1) * w + j - 1]! + 1 : Math.max(dp[(i - 1) * w + j]!, dp[i * w + j - 1]!);
    }
  }
  const total = dp[alen * w + blen]!;
  if (getLen) return total;
  const result = Buffer.alloc(total);
  const matches: Reply[] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  // alen as arangeStart means "no range open", as in Redis.
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1]!;
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (dp[(i - 1) * w + j]! > dp[i * w + j - 1]!) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const len = aEnd - aStart + 1;
      if (minMatchLen === 0 || len >= minMatchLen) matches.push([[aStart, aEnd], [bStart, bEnd], ...(withMatchLen ? [len] : [])]);
      aStart = alen;
    }
  }
  if (!getIdx) return result;
  return new MapReply([
    [Buffer.from("matches"), matches],
    [Buffer.from("len"), total],
  ]);
}

export const lcsCommands = [command("lcs", -3, lcs)];
