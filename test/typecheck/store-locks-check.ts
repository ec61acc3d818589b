// Compile-time proof that locks are typed as locks: a store function that takes a row lock, or reads what one
// guards, accepts only a transaction, so the store's own handle is refused. `npm run typecheck` compiles this file;
// if an @ts-expect-error line compiles, tsc fails with "Unused '@ts-expect-error' directive".
// Never run; only type-checked.
import { assertRoomForParties } from "../../server-stub/limits/party-limit.ts";
import { takeInvite } from "../../server-stub/limits/invite-limit.ts";
import { countParties, invitesSince, lockCase, markPartyInviteSent } from "../../server-stub/store/cases.ts";
import type { Store } from "../../server-stub/store/database.ts";
import { claimKey, completeKey, type KeyScope } from "../../server-stub/store/idempotency-keys.ts";
import { lockInvitesOf, sentSince } from "../../server-stub/store/outbox.ts";
import { countFailures, lockFailuresOf } from "../../server-stub/store/token-failures.ts";

declare const store: Store;
declare const scope: KeyScope;
const claim = { requestHash: "h", owner: "o", now: 0, lockMs: 1000, expiredBefore: 0 };
const reply = { status: 201, body: {} };
const invite = { orgId: "org", partyId: "party", channel: "sms", to: "+447700900123" } as const;
const inviteLimits = {
  invitesPerPartyPerDay: 5,
  invitesPerDestinationPerDay: 5,
  smsInvitesPerFirmPerDay: 1000,
  emailInvitesPerFirmPerDay: 10000,
};

export async function plainHandleIsRefused(): Promise<void> {
  // @ts-expect-error lockCase needs a transaction: its lock lasts until that transaction ends
  await lockCase(store.db, "org", "case");
  // @ts-expect-error countParties reads under lockCase's lock, in its transaction
  await countParties(store.db, "case");
  // @ts-expect-error markPartyInviteSent locks the party's row
  await markPartyInviteSent(store.db, "party");
  // @ts-expect-error invitesSince reads under markPartyInviteSent's lock, in its transaction
  await invitesSince(store.db, "party", "2026-01-01T00:00:00Z");
  // @ts-expect-error claimKey runs in a transaction of its own
  await claimKey(store.db, scope, claim);
  // @ts-expect-error completeKey runs in the work's transaction, so the change and its reply commit together
  await completeKey(store.db, scope, "o", reply);
  // @ts-expect-error the party limit is counted under the case's lock
  await assertRoomForParties(store.db, "case", 1, 20);
  // @ts-expect-error the invite limits are counted under the party's lock and the firm's channel's lock
  await takeInvite(store.db, "sqlite", invite, inviteLimits, 0);
  // @ts-expect-error lockInvitesOf's lock lasts until the transaction ends
  await lockInvitesOf(store.db, "sqlite", "org", "sms");
  // @ts-expect-error sentSince reads under lockInvitesOf's lock, in its transaction
  await sentSince(store.db, "org", "sms", "+447700900123", "2026-01-01T00:00:00Z");
  // @ts-expect-error lockFailuresOf's lock lasts until the transaction ends
  await lockFailuresOf(store.db, "sqlite", "198.51.100.1");
  // @ts-expect-error countFailures reads under lockFailuresOf's lock, in its transaction
  await countFailures(store.db, "198.51.100.1", "client", 0);
}

export async function transactionIsAccepted(): Promise<void> {
  await store.write(async (trx) => {
    await lockCase(trx, "org", "case");
    await countParties(trx, "case");
    await markPartyInviteSent(trx, "party");
    await invitesSince(trx, "party", "2026-01-01T00:00:00Z");
    await claimKey(trx, scope, claim);
    await completeKey(trx, scope, "o", reply);
    await assertRoomForParties(trx, "case", 1, 20);
    await takeInvite(trx, "sqlite", invite, inviteLimits, 0);
    await lockInvitesOf(trx, "sqlite", "org", "sms");
    await sentSince(trx, "org", "sms", "+447700900123", "2026-01-01T00:00:00Z");
    await lockFailuresOf(trx, "sqlite", "198.51.100.1");
    await countFailures(trx, "198.51.100.1", "client", 0);
  });
}
