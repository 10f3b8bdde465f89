/** Sorted-set replies: members, or member/score pairs (nested in RESP3, flat in RESP2) as Redis 7.0 sends them. */
import { bytes } from "../bytes";
import type { Ctx } from "../command";
import { DoubleReply } from "../protocol";
import type { Reply } from "../protocol";

export interface Scored {
  readonly member: string;
  readonly score: number;
}

export function scoredReply(ctx: Ctx, items: readonly Scored[], withScores: boolean): Reply {
  if (!withScores) return items.map((n) => bytes(n.member));
  if (ctx.session.protocol === 3) return items.map((n) => [bytes(n.member), new DoubleReply(n.score)]);
  const out: Reply[] = new Array<Reply>(items.length * 2);
  for (let i = 0; i < items.length; i++) {
    out[2 * i] = bytes(items[i]!.member);
    out[2 * i + 1] = new DoubleReply(items[i]!.score);
  }
  return out;
}
