// At most N invites per party in any 24 hours, so that a leaked token cannot burn SMS credit. Counted in the
// store inside the invite's own transaction (after the party's row is locked), so every process shares one
// count and concurrent invites cannot both take the last one. RateLimit / RateLimit-Policy use the spec's
// draft-7 form, as the token endpoint's do.
import { ApiError } from "../errors/api-error.ts";
import type { Trx } from "../store/handles.ts";
import { invitesSince } from "../store/cases.ts";

export const INVITE_WINDOW_SECONDS = 24 * 60 * 60;

/**
 * Throws 429 invite_limit_reached when the party has had `perDay` invites in the last 24 hours; otherwise returns
 * the headers for the invite about to be sent (its own use counted).
 */
export async function takeInvite(
  trx: Trx,
  partyId: string,
  perDay: number,
  now: number,
): Promise<Record<string, string>> {
  const windowMs = INVITE_WINDOW_SECONDS * 1000;
  const { count, earliest } = await invitesSince(trx, partyId, new Date(now - windowMs).toISOString());
  // Seconds until the oldest counted invite leaves the window (a whole window when this is the first).
  const reset =
    earliest === null ? INVITE_WINDOW_SECONDS : Math.max(1, Math.ceil((Date.parse(earliest) + windowMs - now) / 1000));
  const policy = { "RateLimit-Policy": `${perDay};w=${INVITE_WINDOW_SECONDS}` };
  if (count >= perDay) {
    throw new ApiError("invite_limit_reached", {
      headers: { "Retry-After": String(reset), RateLimit: `limit=${perDay}, remaining=0, reset=${reset}`, ...policy },
    });
  }
  return { RateLimit: `limit=${perDay}, remaining=${perDay - count - 1}, reset=${reset}`, ...policy };
}
