// The request log: one JSON line per request with the fields an operator needs, and never a credential.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, exchange, startTestServer, tokenFor, type TestServer } from "./harness.ts";

let server: TestServer;
const lines: string[] = [];
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: "info" }, { write: (line: string) => void lines.push(line) });
});
afterAll(() => server?.close());

const entries = () => lines.map((l) => JSON.parse(l));

describe("request log", () => {
  it("writes one line per request with requestId, method, route template, status and duration", async () => {
    const token = await tokenFor(server, server);
    const created = await call(server, "POST", "/v1/cases", { token, body: { matterRef: "LOG-1" } });
    await call(server, "POST", `/api/v1/cases/${created.body.caseId}/parties`, { token, body: { name: "Logged" } });
    await new Promise((r) => setTimeout(r, 20));
    const line = entries().find((e) => e.requestId === created.headers.get("x-request-id"));
    expect(line).toMatchObject({
      msg: "request",
      method: "POST",
      route: "/v1/cases",
      status: 201,
      durationMs: expect.any(Number),
    });
    // Routes are templates: ids never reach the log.
    expect(entries().find((e) => e.route?.includes("parties"))?.route).toBe("/api/v1/cases/{caseId}/parties");
  });

  it("never logs an Authorization header, a client secret or an access token, even when a request fails", async () => {
    const token = await tokenFor(server, server);
    await exchange(server, { clientId: server.clientId, clientSecret: "wrong-secret-value" });
    await call(server, "GET", "/v1/microapps/api/users", { token: `${token}x` });
    // An unexpected failure is logged in detail (but still not the credentials).
    await server.store.db
      .insertInto("users")
      .values({
        user_id: "user_zzzz",
        org_id: server.orgId,
        name: "Broken",
        email: "not-an-email",
        role: "member",
        created_at: "",
      })
      .execute();
    const failed = await call(server, "GET", "/v1/microapps/api/users", { token });
    expect(failed.status).toBe(500);
    await new Promise((r) => setTimeout(r, 20));
    const log = lines.join("\n");
    expect(log).toContain('"request failed"');
    expect(log).toContain("format");
    for (const secret of [server.clientSecret, "wrong-secret-value", token, token.split(".")[2]])
      expect(log).not.toContain(secret);
    expect(log.toLowerCase()).not.toContain("bearer");
  });
});
