/**
 * `Model.query(…)`: an immutable query builder. Every terminal method is ONE round trip
 * (one script); `deleteAll()` deletes in script-sized chunks of 500 and `for await` pages.
 */
import { ValidationError } from "../../errors";
import { requireIntegerAtLeast } from "../../validate";
import type { ModelContext } from "../binding";
import { decodeValue } from "../fields";
import { hydrate, rowObject } from "../record";
import type { Expr, SortKeys } from "./expr";
import { runQuery } from "./executor";
import { planOrder, planQuery } from "./planner";
import type { PlanNode, PlanOrder } from "./planner";

const DELETE_CHUNK = 500;

interface Compiled {
  readonly ctx: ModelContext;
  readonly plan: PlanNode;
  readonly order: PlanOrder;
}

interface QueryState {
  readonly order?: string;
  readonly desc: boolean;
  readonly limit: number;
  readonly offset: number;
  readonly pageSize: number;
}

/** A query over one model. Build with `orderBy/limit/offset`, run with a terminal method. */
export class Query<T extends object> implements AsyncIterable<T> {
  /** @internal */
  constructor(
    private readonly ctx: () => ModelContext,
    private readonly cls: new () => T,
    private readonly expr: Expr | undefined,
    private readonly state: QueryState = { desc: false, limit: -1, offset: 0, pageSize: 100 },
  ) {}

  private with(patch: Partial<QueryState>): Query<T> {
    return new Query(this.ctx, this.cls, this.expr, { ...this.state, ...patch });
  }

  /** Orders by a field with an index or `sortable` (or the pk). Default: pk ascending, or relevance for `match()`. Nulls come last. */
  orderBy(field: SortKeys<T>, direction: "asc" | "desc" = "asc"): Query<T> {
    if (direction !== "asc" && direction !== "desc") throw new ValidationError({ path: "direction", message: 'must be "asc" or "desc"' });
    return this.with({ order: field, desc: direction === "desc" });
  }

  /** At most `n` records. */
  limit(n: number): Query<T> {
    return this.with({ limit: requireIntegerAtLeast("limit", n, 0) });
  }

  /** Skips the first `n` records. */
  offset(n: number): Query<T> {
    return this.with({ offset: requireIntegerAtLeast("offset", n, 0) });
  }

  /** Records fetched per round trip by `for await` (default 100). */
  pageSize(n: number): Query<T> {
    return this.with({ pageSize: requireIntegerAtLeast("pageSize", n, 1) });
  }

  private compile(ctx: ModelContext = this.ctx()): Compiled {
    const plan = planQuery(ctx.meta, ctx.keys, this.expr?.node);
    const order = planOrder(ctx.meta, ctx.keys, plan, this.state.order, this.state.desc);
    return { ctx, plan, order };
  }

  /**
   * Compiles, then runs `body`. A query the planner refuses (bad value, missing index) rejects
   * through the executor's `fail()`, so inside a transaction it aborts the whole MULTI and
   * nothing is sent, like every other invalid input.
   */
  private start<R>(body: (compiled: Compiled) => Promise<R>): Promise<R> {
    let ctx: ModelContext;
    try {
      ctx = this.ctx();
    } catch (error) {
      return Promise.reject(error);
    }
    let compiled: Compiled;
    try {
      compiled = this.compile(ctx);
    } catch (error) {
      return ctx.db.executor.fail(error);
    }
    return body(compiled);
  }

  private rows(offset: number, limit: number, after = ""): Promise<T[]> {
    return this.start(async ({ ctx, plan, order }) => {
      const reply = (await runQuery(ctx, plan, "rows", offset, limit, order, after)) as unknown[];
      const out: T[] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) out.push(hydrate(ctx, this.cls, rowObject(reply[i + 1])));
      return out;
    });
  }

  /** The matching records (respecting orderBy/offset/limit). One script. */
  toArray(): Promise<T[]> {
    return this.rows(this.state.offset, this.state.limit);
  }

  /** The first matching record, or undefined. One script. */
  async first(): Promise<T | undefined> {
    return (await this.rows(this.state.offset, this.state.limit === 0 ? 0 : 1))[0];
  }

  /** Number of matching (live) records; ignores offset/limit. One script. */
  count(): Promise<number> {
    return this.start(async ({ ctx, plan, order }) => (await runQuery(ctx, plan, "count", 0, -1, order)) as number);
  }

  /** The pks of the matching records (respecting orderBy/offset/limit). One script. */
  ids(): Promise<Array<string | number>> {
    return this.start(async ({ ctx, plan, order }) => {
      const reply = (await runQuery(ctx, plan, "ids", this.state.offset, this.state.limit, order)) as unknown[];
      return reply.map((pk) => decodeValue(ctx.meta.pk, String(pk)) as string | number);
    });
  }

  /**
   * Deletes every matching record (with its indexes and containers) and resolves how many.
   * Runs the query script in chunks of 500 records (one atomic script per chunk), until a
   * chunk comes back short; offset/limit/orderBy are ignored.
   */
  deleteAll(): Promise<number> {
    return this.start(async ({ ctx, plan, order }) => {
      let total = 0;
      for (;;) {
        const n = (await runQuery(ctx, plan, "delete", 0, DELETE_CHUNK, order)) as number;
        total += n;
        if (n < DELETE_CHUNK) return total;
      }
    });
  }

  /**
   * Iterates the matching records page by page (`pageSize`, default 100), one script per
   * page, holding NO server-side state between pages (nothing a slow reader can lose; no
   * silent truncation). Consistency:
   * - pk order (the default): keyset paging, each page asks for the records after the last
   *   pk yielded. Every record that matches for the whole iteration is yielded exactly once,
   *   in order; records created, deleted or changed meanwhile may or may not be yielded.
   * - orderBy(field) / relevance: each page re-evaluates the query at the next offset and
   *   the iterator skips pks it already yielded, so nothing is yielded twice; a record moved
   *   or deleted before the current position can shift others so one is missed. Take
   *   `ids()` first when you need a snapshot of the membership.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const { ctx, order } = this.compile();
    const keyset = order.by === "pk";
    const seen = new Set<string>();
    let remaining = this.state.limit < 0 ? Infinity : this.state.limit;
    let offset = this.state.offset;
    let after = "";
    while (remaining > 0) {
      const size = Math.min(this.state.pageSize, remaining);
      const page = await this.rows(keyset && after !== "" ? 0 : offset, size, keyset ? after : "");
      for (const record of page) {
        const pk = String((record as Record<string, unknown>)[ctx.meta.pk.name]);
        after = pk;
        if (!keyset) {
          if (seen.has(pk)) continue;
          seen.add(pk);
        }
        remaining--;
        yield record;
      }
      if (page.length < size) return;
      offset += size;
    }
  }
}
