// The request log: one JSON line per request with the fields an operator needs, and never a credential.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, exchange, startTestServer, tokenFor, type TestServer } from "./harness.ts";
import { caseBody } from "../support/request-bodies.ts";

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
    const created = await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef: "LOG-1" }) });
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

  it("the request id is the server's own in the response, the log and the audit row; the caller's is logged escaped", async () => {
    const token = await tokenFor(server, server);
    const callerId = "firm-c-trace\u00e9".padEnd(300, "x");
    const created = await call(server, "POST", "/v1/cases", {
      token,
      body: caseBody({ matterRef: "LOG-OWN-ID" }),
      headers: { "X-Request-Id": "trace-42" },
    });
    const ownId = created.headers.get("x-request-id");
    expect(ownId).toMatch(/^req_[0-9a-f]{32}$/);
    const audit = await server.store.db
      .selectFrom("audit")
      .select("request_id")
      .where("target_id", "=", created.body.caseId)
      .execute();
    expect(audit.map((row) => row.request_id)).toEqual([ownId]);
    const refused = await call(server, "POST", "/v1/cases", { token, body: {}, headers: { "X-Request-Id": "x" } });
    expect(refused.body.requestId).toBe(refused.headers.get("x-request-id"));
    expect(refused.body.requestId).toMatch(/^req_/);
    const escaped = await fetch(`${server.baseUrl}/healthz`, { headers: { "X-Request-Id": callerId } });
    await new Promise((r) => setTimeout(r, 20));
    expect(entries().find((e) => e.requestId === ownId)?.callerRequestId).toBe("trace-42");
    const logged = entries().find((e) => e.requestId === escaped.headers.get("x-request-id"))?.callerRequestId;
    expect(logged).toMatch(/^firm-c-trace\\u\{e9\}x+…$/);
    expect(logged.length).toBeLessThanOrEqual(129);
  });

  it("a 405's log line carries the route, never the raw path the caller chose", async () => {
    const junk = `case_${"A".repeat(3000)}%1B%5B2J`;
    const reply = await call(server, "DELETE", `/v1/cases/${junk}/parties`);
    expect(reply.status).toBe(405);
    await new Promise((r) => setTimeout(r, 20));
    const line = entries().find((e) => e.requestId === reply.headers.get("x-request-id"));
    expect(line.route).not.toContain("AAAA");
    expect(line.route.length).toBeLessThanOrEqual(100);
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
