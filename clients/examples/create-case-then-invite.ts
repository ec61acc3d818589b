// The README's example: create a case, add a party, invite them. Against the reference server (`npm start`):
// VERIFY_CLIENT_ID=<appId> VERIFY_CLIENT_SECRET=<secret> npx tsx clients/examples/create-case-then-invite.ts
import { VerifyClient } from "../verify-client.ts";

const verify = new VerifyClient({
  baseUrl: process.env.VERIFY_BASE_URL ?? "http://localhost:8081",
  clientId: process.env.VERIFY_CLIENT_ID!,
  clientSecret: process.env.VERIFY_CLIENT_SECRET!,
  scopes: ["cases.create", "parties.manage", "invites.send"],
});
const matterRef = process.env.MATTER_REF ?? "MAT-2026-001";

const created = await verify.createCase(
  { matterRef, matterType: "Purchase", parties: [{ name: "Alex Client", email: "alex@example.com" }] },
  { idempotencyKey: `create-${matterRef}` }, // one key per intended change: retries are safe across restarts
);
const party = await verify.addParty(created.caseId, {
  name: "Jordan Client",
  email: "jordan@example.com",
  role: "Seller",
});
const invite = await verify.sendInvite(created.caseId, { partyId: party.partyId });
console.log(`case ${created.caseId}: invite ${invite.inviteId} sent by ${invite.channel}`);
