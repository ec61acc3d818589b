// Invites are limited in any 24 hours, so that a leaked token cannot burn SMS credit or flood an inbox however many
// parties and cases it makes: per party, per firm and destination (the E.164 number, or the email address
// lower-cased, whichever parties share it) and per firm and channel. Counted in the store inside the invite's own
// transaction, after the party's row is locked and under a lock on the firm's channel, so every process shares one
// count and concurrent invites cannot both take the last one. RateLimit / RateLimit-Policy use the spec's draft-7
// form, as the token endpoint's do, and describe the limit closest to biting (on a 429, the one that bit).
import { ApiError } from "../errors/api-error.ts";
import type { DialectName } from "../store/dialect.ts";
import type { Trx } from "../store/handles.ts";
import { invitesSince } from "../store/cases.ts";
import { destinationOf, lockInvitesOf, sentSince, type SentSince } from "../store/outbox.ts";

export const INVITE_WINDOW_SECONDS = 24 * 60 * 60;

/** The limits the configuration sets (INVITES_PER_PARTY_PER_DAY and the others beside it in config.ts). */
export interface InviteLimits {
  invitesPerPartyPerDay: number;
  invitesPerDestinationPerDay: number;
  smsInvitesPerFirmPerDay: number;
  emailInvitesPerFirmPerDay: number;
}

export interface Invite {
  orgId: string;
  partyId: string;
  channel: "email" | "sms";
  /** The party's mobile number or email address. */
  to: string;
}

interface Limit {
  perDay: number;
  used: SentSince;
  /** The 429 this limit gives once used up. */
  refuse: (headers: Record<string, string>) => ApiError;
}

/** Seconds until the oldest counted invite leaves the window (a whole window when there is none). */
function resetSeconds(used: SentSince, now: number): number {
  if (used.earliest === null) return INVITE_WINDOW_SECONDS;
  return Math.max(1, Math.ceil((Date.parse(used.earliest) + INVITE_WINDOW_SECONDS * 1000 - now) / 1000));
}

function limitHeaders(limit: Limit, reset: number, remaining: number): Record<string, string> {
  return {
    RateLimit: `limit=${limit.perDay}, remaining=${remaining}, reset=${reset}`,
    "RateLimit-Policy": `${limit.perDay};w=${INVITE_WINDOW_SECONDS}`,
  };
}

/**
 * Throws a 429 when the party, the destination or the firm's channel has had its invites for the last 24 hours;
 * otherwise returns the headers for the invite about to be sent (its own use counted). The party's row must be
 * locked already (markPartyInviteSent).
 */
export async function takeInvite(
  trx: Trx,
  dialect: DialectName,
  invite: Invite,
  limits: InviteLimits,
  now: number,
): Promise<Record<string, string>> {
  const since = new Date(now - INVITE_WINDOW_SECONDS * 1000).toISOString();
  await lockInvitesOf(trx, dialect, invite.orgId, invite.channel);
  const party = await invitesSince(trx, invite.partyId, since);
  const sent = await sentSince(trx, invite.orgId, invite.channel, destinationOf(invite.channel, invite.to), since);
  const channel = invite.channel === "sms" ? "SMS" : "email";
  // In this order: the most particular limit that bites names the 429.
  const all: Limit[] = [
    {
      perDay: limits.invitesPerPartyPerDay,
      used: party,
      refuse: (headers) => new ApiError("invite_limit_reached", { headers }),
    },
    {
      perDay: limits.invitesPerDestinationPerDay,
      used: sent.toDestination,
      refuse: (headers) => new ApiError("destination_limit_reached", { headers }),
    },
    {
      perDay: invite.channel === "sms" ? limits.smsInvitesPerFirmPerDay : limits.emailInvitesPerFirmPerDay,
      used: sent.byFirm,
      refuse: (headers) => new ApiError("firm_invite_limit_reached", { headers, values: { channel } }),
    },
  ];
  const bitten = all.find((limit) => limit.used.count >= limit.perDay);
  if (bitten) {
    const reset = resetSeconds(bitten.used, now);
    throw bitten.refuse({ "Retry-After": String(reset), ...limitHeaders(bitten, reset, 0) });
  }
  const closest = all.reduce((a, b) => (b.perDay - b.used.count < a.perDay - a.used.count ? b : a));
  return limitHeaders(closest, resetSeconds(closest.used, now), closest.perDay - closest.used.count - 1);
}
