import { keysetPage } from "../lists/cursor.ts";
import { listUsersPage } from "../store/firms.ts";
import type { HandlerDeps } from "./deps.ts";
import type { OperationHandler, OperationReply } from "./operation-types.ts";

export function listUsers(deps: HandlerDeps): OperationHandler<"listUsers"> {
  return async ({ query, principal }): Promise<OperationReply<"listUsers">> => {
    const page = await keysetPage(
      deps.cursors,
      { orgId: principal.orgId, operation: "listUsers" },
      query,
      (afterId, limit) => listUsersPage(deps.store.db, principal.orgId, afterId, limit),
      (user) => user.userId,
    );
    const items = page.items.map(({ userId, name, email, role }) => ({ userId, name, email, role }));
    return { status: 200, body: { ok: true, items, nextCursor: page.nextCursor } };
  };
}
