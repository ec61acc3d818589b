// Every operation's handler, by operationId.
import { addParty } from "./addParty.ts";
import { createCase } from "./createCase.ts";
import { createSystemToken } from "./createSystemToken.ts";
import type { HandlerDeps } from "./deps.ts";
import { listCaseIds } from "./listCaseIds.ts";
import { listUsers } from "./listUsers.ts";
import type { OperationHandlers } from "./operation-types.ts";
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
