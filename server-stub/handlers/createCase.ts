import { assertRoomForParties } from "../limits/party-limit.ts";
import { insertAudit } from "../store/audit.ts";
import { insertCase, insertParty } from "../store/cases.ts";
import type { HandlerDeps } from "./deps.ts";
import type { OperationHandler, OperationReply } from "./operation-types.ts";

export function createCase(deps: HandlerDeps): OperationHandler<"createCase"> {
  return async ({ body, principal, requestId, write }) => {
    const now = new Date(deps.clock.now());
    const actor = { appId: principal.appId, identifier: principal.identifier };
    const orgId = principal.orgId;
    // The case, its parties and every audit row commit together or not at all.
    return write(async (trx): Promise<OperationReply<"createCase">> => {
      await assertRoomForParties(trx, null, body.parties?.length ?? 0, deps.limits.partiesPerCase);
      const caseId = await insertCase(trx, { ...body, orgId, createdByAppId: principal.appId }, now);
      await insertAudit(trx, { orgId, caseId, actor, action: "case.created", targetId: caseId, requestId }, now);
      const parties = [];
      for (const input of body.parties ?? []) {
        const party = await insertParty(trx, orgId, caseId, input, now);
        await insertAudit(trx, { orgId, caseId, actor, action: "party.added", targetId: party.partyId, requestId }, now);
        parties.push({ partyId: party.partyId, name: party.name, clientAccessStatus: party.clientAccessStatus });
      }
      return { status: 201, body: { caseId, status: "NotStarted", parties } };
    });
  };
}
