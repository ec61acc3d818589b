// The outbox: what an invite would send. The reference server delivers nothing; the admin CLI reads it.
import type { Queryable } from "./handles.ts";
import { newId } from "./ids.ts";

/** An outbox message as the admin CLI prints it (the shape ../shared/CONTRACT.md gives under "Audit"). */
export interface OutboxMessage {
  messageId: string;
  orgId: string;
  caseId: string;
  partyId: string;
  inviteId: string;
  channel: "email" | "sms";
  to: string;
  createdAt: string;
}

export async function insertOutboxMessage(
  db: Queryable,
  message: Omit<OutboxMessage, "messageId" | "createdAt">,
  now: Date,
): Promise<void> {
  await db
    .insertInto("outbox")
    .values({
      message_id: newId("msg"),
      org_id: message.orgId,
      case_id: message.caseId,
      party_id: message.partyId,
      invite_id: message.inviteId,
      channel: message.channel,
      recipient: message.to,
      created_at: now.toISOString(),
    })
    .execute();
}

/** A firm's outbox, newest first. */
export async function listOutbox(db: Queryable, orgId: string, limit: number): Promise<OutboxMessage[]> {
  const rows = await db
    .selectFrom("outbox")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("message_id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    messageId: r.message_id,
    orgId: r.org_id,
    caseId: r.case_id,
    partyId: r.party_id,
    inviteId: r.invite_id,
    channel: r.channel,
    to: r.recipient,
    createdAt: r.created_at,
  }));
}
