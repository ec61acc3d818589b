// Compile-time proof that generated/schema.d.ts describes the contract: `npm run typecheck` (tsc --noEmit, strict)
// compiles a typed openapi-fetch call to each operation. The @ts-expect-error lines must stay errors: if one
// compiles, tsc fails with "Unused '@ts-expect-error' directive", so the types have gone too loose.
// Never run; only type-checked.
import createClient from "openapi-fetch";
import type { components, paths } from "../../generated/schema.d.ts";
import { caseBody } from "../support/request-bodies.ts";

const client = createClient<paths>({ baseUrl: "http://localhost:8081" });
const auth = { Authorization: "Bearer <accessToken>" };

export async function callEveryOperation(): Promise<void> {
  const token = await client.POST("/v1/microapps/system-tokens", {
    body: {
      clientId: "00000000-0000-0000-0000-000000000000",
      clientSecret: "s",
      scopes: ["cases.create"],
      expiresInSeconds: 3600,
    },
  });
  if (token.data) {
    // The catalogue's own union (the Scope schema's enum), not a hand-kept list: a new scope needs no edit here.
    const scopes: components["schemas"]["Scope"][] = token.data.principal.scopes;
    const expiresAt: number = token.data.expiresAt;
    void scopes, expiresAt;
  }

  const created = await client.POST("/v1/cases", {
    headers: { ...auth, "Idempotency-Key": "retry-1" },
    body: {
      matterRef: "MAT-2026-001",
      matterType: "Purchase",
      parties: [{ name: "Alex Client", email: "alex@example.com" }],
    },
  });
  const caseId = created.data?.caseId ?? "";
  const status: "NotStarted" | undefined = created.data?.status;
  if (created.error) {
    const code: string = created.error.error.code;
    void code;
  }

  const party = await client.POST("/v1/cases/{caseId}/parties", {
    params: { path: { caseId } },
    headers: auth,
    body: { name: "Jordan Client", role: "Seller", partyType: "company" },
  });
  const email: string | null | undefined = party.data?.email;

  const invite = await client.POST("/v1/cases/{caseId}/invites", {
    params: { path: { caseId } },
    headers: auth,
    body: { partyId: party.data?.partyId ?? "", sendSms: true },
  });
  const channel: "email" | "sms" | undefined = invite.data?.channel;

  const ids = await client.GET("/v1/microapps/api/cases/ids", {
    params: { query: { limit: 200, cursor: "c" } },
    headers: auth,
  });
  const next: string | null | undefined = ids.data?.nextCursor;

  const users = await client.GET("/v1/microapps/api/users", { headers: auth });
  const role: string | undefined = users.data?.items[0]?.role;
  void status, email, channel, next, role;
}

export async function wrongUsesDoNotCompile(): Promise<void> {
  await client.POST("/v1/cases", {
    headers: auth,
    // @ts-expect-error a field of the wrong type: matterRef is a string
    body: { matterRef: 2026 },
  });

  await client.POST("/v1/cases/{caseId}/parties", {
    params: { path: { caseId: "case_1" } },
    headers: auth,
    // @ts-expect-error a missing required field: a party needs a name
    body: { email: "jordan@example.com" },
  });

  await client.POST("/v1/microapps/system-tokens", {
    // @ts-expect-error a scope outside the catalogue
    body: { clientId: "00000000-0000-0000-0000-000000000000", clientSecret: "s", scopes: ["cases.delete"] },
  });

  // A valid body from the spec's example: what this checks is the answer's type, not the request's.
  const created = await client.POST("/v1/cases", { headers: auth, body: caseBody({ matterRef: "MAT-1" }) });
  // @ts-expect-error reading an undocumented response field: the case response has no matterRef
  void created.data?.matterRef;

  // @ts-expect-error an endpoint the contract does not have
  await client.GET("/v1/cases", { headers: auth });
}
