import { ApiError } from "../errors/api-error.ts";
import { assertRoomForParties } from "../limits/party-limit.ts";
import { insertAudit } from "../store/audit.ts";
import { insertParty, lockCase } from "../store/cases.ts";
import type { HandlerDeps } from "./deps.ts";
import type { OperationHandler, OperationReply } from "./operation-types.ts";

export function addParty(deps: HandlerDeps): OperationHandler<"addParty"> {
  return async ({ body, path, principal, requestId, write }) => {
    const now = new Date(deps.clock.now());
    const orgId = principal.orgId;
    return write(async (trx): Promise<OperationReply<"addParty">> => {
      // Scoped to the caller's firm: another firm's case is as unknown as a made-up id.
      if (!(await lockCase(trx, orgId, path.caseId))) throw new ApiError("case_not_found");
      await assertRoomForParties(trx, path.caseId, 1, deps.limits.partiesPerCase);
      const party = await insertParty(trx, orgId, path.caseId, body, now);
      const actor = { appId: principal.appId, identifier: principal.identifier };
      await insertAudit(
        trx,
        { orgId, caseId: path.caseId, actor, action: "party.added", targetId: party.partyId, requestId },
        now,
      );
      return {
        status: 201,
        body: {
          partyId: party.partyId,
          name: party.name,
          email: party.email,
          role: party.role,
          clientAccessStatus: party.clientAccessStatus,
        },
      };
    });
  };
}
