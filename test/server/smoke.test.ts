import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";
import { ALL_SCOPES } from "./harness.ts";

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer();
});
afterAll(async () => {
  await server?.close();
});

describe("the reference server answers the six operations", () => {
  it("exchanges the demo credentials and creates, adds, invites and lists", async () => {
    const tokenRes = await fetch(`${server.baseUrl}/v1/microapps/system-tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        clientId: server.clientId,
        clientSecret: server.clientSecret,
        scopes: ALL_SCOPES,
      }),
    });
    expect(tokenRes.status).toBe(200);
    const { accessToken } = await tokenRes.json();
    const auth = { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" };
    const created = await fetch(`${server.baseUrl}/v1/cases`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ matterRef: "MAT-1", parties: [{ name: "Alex", email: "alex@example.com" }] }),
    });
    expect(created.status).toBe(201);
    const { caseId } = await created.json();
    const party = await fetch(`${server.baseUrl}/api/v1/cases/${caseId}/parties`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ name: "Jordan", mobile: "+447700900456" }),
    });
    expect(party.status).toBe(201);
    const { partyId } = await party.json();
    const invite = await fetch(`${server.baseUrl}/v1/cases/${caseId}/invites`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ partyId, sendSms: true }),
    });
    expect(invite.status).toBe(201);
    expect((await invite.json()).channel).toBe("sms");
    const ids = await fetch(`${server.baseUrl}/v1/microapps/api/cases/ids`, { headers: auth });
    expect(await ids.json()).toEqual({ ok: true, items: [caseId], nextCursor: null });
    const users = await fetch(`${server.baseUrl}/v1/microapps/api/users?limit=1`, { headers: auth });
    const page = await users.json();
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
  });
});
