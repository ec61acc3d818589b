// The outbox: what an invite would send. The reference server delivers nothing; the admin CLI reads it. The invite
// limits per destination and per firm count its rows.
import { LOCK_SPACES, lockForTransaction, type DialectName } from "./dialect.ts";
import type { Queryable, Trx } from "./handles.ts";
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
      destination: destinationOf(message.channel, message.to),
      created_at: now.toISOString(),
    })
    .execute();
}

/** What invites to `to` are counted by: an E.164 number as it is, an email address lower-cased. */
export function destinationOf(channel: "email" | "sms", to: string): string {
  return channel === "email" ? to.toLowerCase() : to;
}

/** Makes counting a firm's sends on a channel and sending one a single step across processes (see sentSince). */
export async function lockInvitesOf(
  trx: Trx,
  dialect: DialectName,
  orgId: string,
  channel: "email" | "sms",
): Promise<void> {
  await lockForTransaction(trx, dialect, LOCK_SPACES.invites, `${orgId} ${channel}`);
}

/** Messages sent in a window, and when the earliest of them was (ISO time, null when none). */
export interface SentSince {
  count: number;
  earliest: string | null;
}

/**
 * What the firm sent on this channel after `since` (ISO time), in all and to this destination. Read under
 * lockInvitesOf, in the same transaction, so that concurrent invites count one after the other.
 */
export async function sentSince(
  trx: Trx,
  orgId: string,
  channel: "email" | "sms",
  destination: string,
  since: string,
): Promise<{ byFirm: SentSince; toDestination: SentSince }> {
  const row = await trx
    .selectFrom("outbox")
    .select((eb) => {
      const toDestination = eb.case().when("destination", "=", destination).then(eb.ref("created_at")).end();
      return [
        eb.fn.countAll<number>().as("by_firm"),
        eb.fn.min("created_at").as("earliest_by_firm"),
        eb.fn.count<number>(toDestination).as("to_destination"),
        eb.fn.min(toDestination).as("earliest_to_destination"),
      ];
    })
    .where("org_id", "=", orgId)
    .where("channel", "=", channel)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  return {
    byFirm: { count: Number(row.by_firm), earliest: row.earliest_by_firm ?? null },
    toDestination: { count: Number(row.to_destination), earliest: row.earliest_to_destination ?? null },
  };
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
