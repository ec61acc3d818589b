// The README's example: create a case, add a party, invite them. Against the reference server (`npm start`):
//   VERIFY_CLIENT_CLIENT_ID=<clientId> VERIFY_CLIENT_CLIENT_SECRET=<secret> npx tsx clients/examples/create-case-then-invite.ts
// VERIFY_CLIENT_BASE_URL (default http://localhost:8081) and MATTER_REF (default MAT-2026-102) are optional.
// Every step's Idempotency-Key is derived from the matterRef, so a re-run within the server's idempotency window
// (24 h) replays each answer instead of writing again; after it, the case exists and the run stops at
// `409 duplicate_matter_ref`. The party's address is derived from the matterRef too: each case invites its own
// example.com address, so no run meets another's invite limit.
import { VerifyApiError, VerifyClient } from "../verify-client.ts";

/** The variable's value, or the deprecated name's with a one-line warning (the names earlier READMEs documented). */
function fromEnv(name: string, deprecated: string): string | undefined {
  if (process.env[name] === undefined && process.env[deprecated] !== undefined) {
    console.warn(`${deprecated} is deprecated: set ${name} instead`);
    return process.env[deprecated];
  }
  return process.env[name];
}

const clientId = fromEnv("VERIFY_CLIENT_CLIENT_ID", "VERIFY_CLIENT_ID");
const clientSecret = fromEnv("VERIFY_CLIENT_CLIENT_SECRET", "VERIFY_CLIENT_SECRET");
if (!clientId || !clientSecret) {
  console.error("Set VERIFY_CLIENT_CLIENT_ID and VERIFY_CLIENT_CLIENT_SECRET (npm start prints them on first start).");
  process.exit(2);
}
const verify = new VerifyClient({
  baseUrl: fromEnv("VERIFY_CLIENT_BASE_URL", "VERIFY_BASE_URL") ?? "http://localhost:8081",
  clientId,
  clientSecret,
  scopes: ["cases.create", "parties.manage", "invites.send"],
});
const matterRef = process.env.MATTER_REF ?? "MAT-2026-102";
const mailbox = matterRef.toLowerCase().replace(/[^a-z0-9]+/g, "-");

try {
  // One key per intended change: a retry, a restart or a re-run of this script cannot write twice.
  const created = await verify.createCase(
    { matterRef, matterType: "Purchase", parties: [{ name: "Alex Client", email: `alex.${mailbox}@example.com` }] },
    { idempotencyKey: `create-${matterRef}` },
  );
  const party = await verify.addParty(
    created.caseId,
    { name: "Jordan Client", email: `jordan.${mailbox}@example.com`, role: "Seller" },
    { idempotencyKey: `add-party-${matterRef}` },
  );
  const invite = await verify.sendInvite(
    created.caseId,
    { partyId: party.partyId },
    { idempotencyKey: `invite-${matterRef}` },
  );
  console.log(`case ${created.caseId}: invite ${invite.inviteId} sent by ${invite.channel}`);
} catch (error) {
  if (!(error instanceof VerifyApiError)) throw error;
  // An answer from the API is one line, not a stack trace: it is the server's verdict, not a bug here.
  console.error(`${error.message} (matterRef ${matterRef}, requestId ${error.requestId ?? "none"})`);
  process.exitCode = 1;
}
