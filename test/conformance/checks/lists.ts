// The two lists: pages ascending by id, keyset cursors, limits. Every walk stops after --max-pages pages.
import { CheckNotApplicable, type Check } from "../check.ts";
import { invalid, type CallResult } from "../client.ts";
import type { CheckContext } from "../context.ts";
import { caseListIds, pagedOperations } from "../paging.ts";
import { absentIds, sendParts, validParts } from "../requests.ts";
import type { SuiteSpec } from "../spec.ts";

interface ListOperation {
  operationId: string;
  page(
    ctx: CheckContext,
    query: { limit?: number; cursor?: string },
  ): Promise<CallResult<{ items: unknown[]; nextCursor: string | null }>>;
  /** The id an item is ordered by. */
  idOf(item: unknown): string;
}

/** The paged operations, as the spec declares them (see paging.ts). */
const listsOf = (spec: SuiteSpec): ListOperation[] =>
  pagedOperations(spec).map((paged) => ({
    operationId: paged.op.operationId,
    async page(ctx, query) {
      const parts = validParts(ctx.values, paged.op, absentIds(ctx));
      delete parts.query[paged.limit];
      if (query.limit !== undefined) parts.query[paged.limit] = query.limit;
      if (query.cursor !== undefined) parts.query[paged.cursor] = query.cursor;
      const result = await sendParts(ctx, paged.op, parts, ctx.bearerFor(paged.op.operationId));
      const body = result.data as Record<string, unknown> | undefined;
      const data = body && {
        items: body[paged.items] as unknown[],
        nextCursor: body[paged.nextCursor] as string | null,
      };
      return { ...result, data };
    },
    idOf: (item) => (paged.idProperty ? (item as Record<string, string>)[paged.idProperty] : (item as string)),
  }));

/** The lists a case created by the run must appear in. */
const caseLists = (spec: SuiteSpec) => listsOf(spec).filter((list) => caseListIds(spec).includes(list.operationId));

interface Walk {
  ids: string[];
  /** True when the last page's nextCursor was null. */
  complete: boolean;
  /** The first nextCursor seen, for the cursor checks. */
  firstCursor?: string;
}

/**
 * Fetches pages until nextCursor is null or --max-pages pages were fetched, checking each page as it comes: at most
 * `limit` items, ascending ids, never a cursor seen before. Records failures and stops at the first bad page.
 */
async function walk(ctx: CheckContext, list: ListOperation, limit: number): Promise<Walk> {
  const ids: string[] = [];
  const cursors = new Set<string>();
  let cursor: string | undefined;
  let firstCursor: string | undefined;
  for (let page = 1; page <= ctx.options.maxPages; page++) {
    const what = `${list.operationId} limit ${limit}, page ${page}`;
    const result = await list.page(ctx, { limit, ...(cursor ? { cursor } : {}) });
    if (!ctx.expectAnswer(what, result, 200) || !result.data) return { ids, complete: false, firstCursor };
    const pageIds = result.data.items.map(list.idOf);
    if (!ctx.expect(pageIds.length <= limit, `${what}: ${pageIds.length} items for limit ${limit}`, result.exchange))
      return { ids, complete: false, firstCursor };
    const previous = ids.at(-1);
    const ascending = pageIds.every((id, i) =>
      i === 0 ? previous === undefined || previous < id : pageIds[i - 1] < id,
    );
    if (
      !ctx.expect(
        ascending,
        `${what}: ids are not strictly ascending after ${JSON.stringify(previous)}: ${JSON.stringify(pageIds)}`,
        result.exchange,
      )
    ) {
      return { ids: [...ids, ...pageIds], complete: false, firstCursor };
    }
    // nextCursor is null on the last page: a page after the first is never empty, or the one before it was last.
    if (
      !ctx.expect(
        page === 1 || pageIds.length > 0,
        `${what}: empty, so page ${page - 1} was the last one but its nextCursor was not null`,
        result.exchange,
      )
    )
      return { ids, complete: false, firstCursor };
    ids.push(...pageIds);
    const next = result.data.nextCursor;
    if (next === null) return { ids, complete: true, firstCursor };
    if (
      !ctx.expect(
        !cursors.has(next),
        `${what}: nextCursor repeats an earlier one, the walk would never end`,
        result.exchange,
      )
    )
      return { ids, complete: false, firstCursor };
    cursors.add(next);
    firstCursor ??= next;
    cursor = next;
  }
  return { ids, complete: false, firstCursor };
}

/** The smallest page size that still lets a walk over `total` items finish within --max-pages (with room to spare). */
function smallLimit(ctx: CheckContext, total: number): number {
  return Math.min(200, Math.max(1, Math.ceil((total + 2) / Math.max(1, ctx.options.maxPages - 2))));
}

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

const firstPages: Check = {
  id: "lists.first-page",
  rules: ["pages-ascending", "limit-honoured"],
  title: "the first page of each list (default limit) is 200 with ok, items ascending by id and nextCursor",
  rule: "#/components/schemas/CaseIdList and #/components/schemas/UserList (ascending by id)",
  tags: [],
  async run(ctx) {
    for (const list of listsOf(ctx.spec)) {
      const result = await list.page(ctx, {});
      if (!ctx.expectAnswer(`${list.operationId} first page`, result, 200) || !result.data) continue;
      const ids = result.data.items.map(list.idOf);
      ctx.expect(
        ids.every((id, i) => i === 0 || ids[i - 1] < id),
        `${list.operationId}: ids are not strictly ascending: ${JSON.stringify(ids.slice(0, 20))}`,
        result.exchange,
      );
    }
  },
};

const pageWalk: Check = {
  id: "lists.walk",
  rules: ["pages-ascending", "walk-exactly-once", "limit-honoured"],
  title:
    "walking each list with a small limit returns every id of a full walk exactly once, ascending, ending with nextCursor null",
  rule: "#/paths/~1v1~1microapps~1api~1cases~1ids/get and #/paths/~1v1~1microapps~1api~1users/get (keyset pages; a walk returns every item exactly once)",
  tags: ["stateful"],
  async run(ctx) {
    for (const list of listsOf(ctx.spec)) {
      const full = await walk(ctx, list, 200);
      const limit = full.complete ? smallLimit(ctx, full.ids.length) : 2;
      const small = await walk(ctx, list, limit);
      const twice = duplicates(small.ids);
      ctx.expect(
        twice.length === 0,
        `${list.operationId} limit ${limit}: ids seen twice: ${JSON.stringify(twice.slice(0, 10))}`,
      );
      if (full.complete && small.complete) {
        // Items created by someone else between the two walks may appear; none of the first walk may go missing.
        const missing = full.ids.filter((id) => !small.ids.includes(id));
        ctx.expect(
          missing.length === 0,
          `${list.operationId} limit ${limit}: the walk ended without ${missing.length} ids a full walk returned, e.g. ${JSON.stringify(missing.slice(0, 5))}`,
        );
      } else if (!full.complete) {
        // A firm too large to walk within --max-pages: the small pages must still be the start of the same order.
        const prefix = full.ids.slice(0, small.ids.length);
        ctx.expect(
          JSON.stringify(prefix) === JSON.stringify(small.ids),
          `${list.operationId}: pages of ${limit} do not start like pages of 200`,
        );
      }
    }
  },
};

const createdIdsSeen: Check = {
  id: "lists.case-ids-created",
  rules: ["created-case-listed", "walk-exactly-once"],
  title: "cases created by this run are each seen exactly once in a walk of case ids with a small limit",
  rule: "#/paths/~1v1~1microapps~1api~1cases~1ids/get (a walk returns every id that existed when it began exactly once)",
  tags: ["stateful", "writes"],
  async run(ctx) {
    const created = [(await ctx.caseFixture()).caseId];
    for (let i = 0; i < 3; i++) {
      const result = await ctx.call(
        ctx.api.POST("/v1/cases", { headers: ctx.bearerFor("createCase"), body: ctx.caseBody("walk") }),
      );
      ctx.require(
        ctx.expectAnswer(`creating case ${i + 1} of 3 for the walk`, result, 201) && !!result.data,
        "could not create the cases to look for",
      );
      created.push(result.data!.caseId);
    }
    for (const list of caseLists(ctx.spec)) {
      const count = await walk(ctx, list, 200);
      if (!count.complete) {
        if (ctx.failures.length > 0) return;
        throw new CheckNotApplicable(
          `${list.operationId} has more items than ${ctx.options.maxPages} pages of 200; raise --max-pages to walk them all`,
        );
      }
      const limit = smallLimit(ctx, count.ids.length);
      const small = await walk(ctx, list, limit);
      for (const id of created) {
        const seen = small.ids.filter((x) => x === id).length;
        ctx.expect(
          seen === 1,
          `case ${id} created by this run was seen ${seen} times in the ${list.operationId} walk (walk of ${small.ids.length} ids at limit ${limit}, complete: ${small.complete})`,
        );
      }
    }
  },
};

const forgedCursor: Check = {
  id: "lists.forged-cursor",
  rules: ["cursor-bound"],
  title: "a forged cursor, a tampered one, or one from another list is 400 invalid_cursor",
  rule: "#/components/parameters/cursor (opaque, bound to the firm and the operation) and #/components/responses/BadRequest (invalid_cursor)",
  tags: ["stateful"],
  async run(ctx) {
    const cursors: Partial<Record<string, string>> = {};
    for (const list of listsOf(ctx.spec)) {
      ctx.expectAnswer(
        `${list.operationId} with a forged cursor`,
        await list.page(ctx, { cursor: "Zm9yZ2VkLWN1cnNvcg" }),
        400,
        "invalid_cursor",
      );
      const first = await list.page(ctx, { limit: 1 });
      if (first.data?.nextCursor) cursors[list.operationId] = first.data.nextCursor;
    }
    for (const list of listsOf(ctx.spec)) {
      const cursor = cursors[list.operationId];
      if (!cursor) continue;
      const middle = Math.floor(cursor.length / 2);
      const tampered = cursor.slice(0, middle) + (cursor[middle] === "A" ? "B" : "A") + cursor.slice(middle + 1);
      ctx.expectAnswer(
        `${list.operationId} with a tampered cursor`,
        await list.page(ctx, { cursor: tampered }),
        400,
        "invalid_cursor",
      );
      for (const other of listsOf(ctx.spec).filter((l) => l.operationId !== list.operationId))
        ctx.expectAnswer(
          `${other.operationId} with a ${list.operationId} cursor`,
          await other.page(ctx, { cursor }),
          400,
          "invalid_cursor",
        );
    }
  },
};

const limitRange: Check = {
  id: "lists.limit-range",
  rules: ["invalid-request"],
  title: "limit 201, 0 or a word is 400 invalid_request on each list",
  rule: "#/components/parameters/limit (integer 1..200)",
  tags: ["negative"],
  async run(ctx) {
    for (const list of listsOf(ctx.spec)) {
      for (const limit of [201, 0, invalid<number>("ten")]) {
        ctx.expectRejected(`${list.operationId} limit ${JSON.stringify(limit)}`, await list.page(ctx, { limit }));
      }
    }
  },
};

const cursorTooLong: Check = {
  id: "lists.cursor-too-long",
  rules: ["cursor-bound"],
  title: "a cursor longer than its maxLength (512) is 400 invalid_request",
  rule: "#/components/parameters/cursor (maxLength 512)",
  tags: ["negative"],
  async run(ctx) {
    for (const list of listsOf(ctx.spec))
      ctx.expectRejected(
        `${list.operationId} with a 513-character cursor`,
        await list.page(ctx, { cursor: "a".repeat(513) }),
      );
  },
};

export const listChecks: Check[] = [firstPages, pageWalk, createdIdsSeen, forgedCursor, limitRange, cursorTooLong];
