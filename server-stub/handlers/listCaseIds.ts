import { keysetPage } from "../lists/cursor.ts";
import { listCaseIdsPage } from "../store/cases.ts";
import type { HandlerDeps } from "./deps.ts";
import type { OperationHandler, OperationReply } from "./operation-types.ts";

export function listCaseIds(deps: HandlerDeps): OperationHandler<"listCaseIds"> {
  return async ({ query, principal }): Promise<OperationReply<"listCaseIds">> => {
    const page = await keysetPage(
      deps.cursors,
      { orgId: principal.orgId, operation: "listCaseIds" },
      query,
      (afterId, limit) => listCaseIdsPage(deps.store.db, principal.orgId, afterId, limit),
      (id) => id,
    );
    return { status: 200, body: { ok: true, items: page.items, nextCursor: page.nextCursor } };
  };
}
