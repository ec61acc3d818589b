import { assertRoomForParties } from "../limits/party-limit.ts";
import { insertAuditEntries } from "../store/audit.ts";
import { insertCase, insertParties } from "../store/cases.ts";
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
      const parties = await insertParties(trx, orgId, caseId, body.parties ?? [], now);
      const audit = { orgId, caseId, actor, requestId };
      await insertAuditEntries(
        trx,
        [
          { ...audit, action: "case.created", targetId: caseId },
          ...parties.map((party) => ({ ...audit, action: "party.added" as const, targetId: party.partyId })),
        ],
        now,
      );
      return {
        status: 201,
        body: {
          caseId,
          status: "NotStarted",
          parties: parties.map((party) => ({
            partyId: party.partyId,
            name: party.name,
            clientAccessStatus: party.clientAccessStatus,
          })),
        },
      };
    });
  };
}
