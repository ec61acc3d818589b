import { ApiError } from "../errors/api-error.ts";
import { takeInvite } from "../limits/invite-limit.ts";
import { insertAudit } from "../store/audit.ts";
import { caseExists, findParty, insertInvite, markPartyInviteSent } from "../store/cases.ts";
import { insertOutboxMessage } from "../store/outbox.ts";
import type { HandlerDeps } from "./deps.ts";
import type { OperationHandler, OperationReply } from "./operation-types.ts";

export function sendInvite(deps: HandlerDeps): OperationHandler<"sendInvite"> {
  return async ({ body, path, principal, requestId, write }) => {
    const now = new Date(deps.clock.now());
    const orgId = principal.orgId;
    const caseId = path.caseId;
    return write(async (trx): Promise<OperationReply<"sendInvite">> => {
      if (!(await caseExists(trx, orgId, caseId))) throw new ApiError("case_not_found");
      const party = await findParty(trx, orgId, caseId, body.partyId);
      if (!party) throw new ApiError("party_not_found");

      const channel = body.sendSms === true ? "sms" : "email";
      const to = channel === "sms" ? party.mobile : party.email;
      if (!to && channel === "sms") throw new ApiError("party_has_no_mobile");
      if (!to) throw new ApiError("party_has_no_email");

      // Marking the party first locks its row, so concurrent invites to it count one after the other.
      await markPartyInviteSent(trx, party.partyId);
      const invite = { orgId, partyId: party.partyId, channel, to } as const;
      const headers = await takeInvite(trx, deps.store.dialect, invite, deps.limits, now.getTime());
      const inviteId = await insertInvite(trx, { orgId, caseId, partyId: party.partyId, channel }, now);
      // Nothing leaves the machine: delivery is a row in the outbox.
      await insertOutboxMessage(trx, { orgId, caseId, partyId: party.partyId, inviteId, channel, to }, now);
      const actor = { appId: principal.appId, identifier: principal.identifier };
      await insertAudit(trx, { orgId, caseId, actor, action: "invite.sent", targetId: inviteId, requestId }, now);
      return { status: 201, headers, body: { ok: true, inviteId, channel } };
    });
  };
}
