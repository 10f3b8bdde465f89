/**
 * Runs one query page: ONE EVALSHA of model-query.lua (evaluate, drop expired, sort, slice,
 * read rows, delete scratch keys), and decodes its reply.
 */
import { scriptCmd } from "../../command";
import { toArray, toInteger } from "../../reply";
import type { ModelContext } from "../binding";
import { modelScript } from "../scripts";
import type { PlanNode, PlanOrder } from "./planner";

export type QueryOp = "count" | "ids" | "rows" | "delete";

/** Sends one page request and resolves the raw (parsed) reply. */
export function runQuery(ctx: ModelContext, plan: PlanNode, op: QueryOp, offset: number, limit: number, order: PlanOrder, after = ""): Promise<unknown> {
  const args = [ctx.keys.base, ctx.meta.schema, ctx.keys.temp(), JSON.stringify(plan), op, String(offset), String(limit), JSON.stringify(order), after];
  const parse = (r: unknown): unknown => (op === "count" || op === "delete" ? toInteger(r) : toArray(r));
  return ctx.db.executor.run(scriptCmd(modelScript("model-query"), [ctx.keys.all], args, parse));
}
