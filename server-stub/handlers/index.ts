// Every operation's handler, by operationId.
import { addParty } from "./addParty.ts";
import { createCase } from "./createCase.ts";
import { createSystemToken } from "./createSystemToken.ts";
import type { HandlerDeps } from "./deps.ts";
import { listCaseIds } from "./listCaseIds.ts";
import { listUsers } from "./listUsers.ts";
import type { HandlerOverrides, HandlerTable, OperationHandlers } from "./operation-types.ts";
import { sendInvite } from "./sendInvite.ts";

export function operationHandlers(deps: HandlerDeps): OperationHandlers {
  return {
    createSystemToken: createSystemToken(deps),
    createCase: createCase(deps),
    addParty: addParty(deps),
    sendInvite: sendInvite(deps),
    listCaseIds: listCaseIds(deps),
    listUsers: listUsers(deps),
  };
}

/**
 * The built-in handlers with a test's overrides, as the router calls them. The router hands each handler the
 * request express-openapi-validator has checked against the spec its types come from: that is what makes the
 * untyped view safe.
 */
export function handlerTable(builtIn: OperationHandlers, overrides: HandlerOverrides = {}): HandlerTable {
  return { ...builtIn, ...overrides } as unknown as HandlerTable;
}
