// POST /v1/microapps/system-tokens: body rules, scope intersection, one invalid_client, IP check, failure limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_SCOPES, call, errorCode, exchange, newFirm, startTestServer, type TestServer } from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  // Loopback is the trusted proxy here, so X-Forwarded-For stands in for callers at other addresses.
  server = await startTestServer({ TRUST_PROXY: "127.0.0.1/32" });
});
afterAll(() => server?.close());

const from = (address: string) => ({ "X-Forwarded-For": address });
const withoutRequestId = (body: { requestId?: string }) => ({ ...body, requestId: undefined });

describe("token exchange", () => {
  it("answers 200 with the principal, expiresAt = exp, Cache-Control: no-store and RateLimit headers", async () => {
    const reply = await exchange(server, server, ["cases.create"]);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(reply.headers.get("ratelimit")).toMatch(/^limit=10, remaining=\d+, reset=\d+$/);
    expect(reply.headers.get("ratelimit-policy")).toBe("10;w=900");
    expect(reply.body).toEqual({
      ok: true,
      accessToken: expect.any(String),
      principal: {
        principalType: "microApp",
        tokenKind: "system",
        appId: server.clientId,
        orgId: server.orgId,
        identifier: "demo-case-management-system",
        scopes: ["cases.create"],
      },
      expiresAt: expect.any(Number),
    });
  });

  it("expiresInSeconds is 60..3600, default 3600", async () => {
    const base = { clientId: server.clientId, clientSecret: server.clientSecret, scopes: ["cases.create"] };
    const short = await call(server, "POST", "/v1/microapps/system-tokens", {
      body: { ...base, expiresInSeconds: 60 },
    });
    expect(short.body.expiresAt - Math.floor(server.clock.now() / 1000)).toBeLessThanOrEqual(60);
    for (const bad of [59, 3601, 1.5, "60"]) {
      const reply = await call(server, "POST", "/v1/microapps/system-tokens", {
        body: { ...base, expiresInSeconds: bad },
      });
      expect(reply.status, String(bad)).toBe(400);
      expect(errorCode(reply)).toBe("invalid_request");
    }
  });

  it("unknown, duplicate or no scopes are 400 invalid_request", async () => {
    for (const scopes of [["cases.delete"], ["cases.create", "cases.create"], []]) {
      const reply = await exchange(server, server, scopes);
      expect(reply.status, JSON.stringify(scopes)).toBe(400);
      expect(errorCode(reply)).toBe("invalid_request");
    }
  });

  it("grants requested ∩ integration ∩ firm scopes; an empty result is 400 invalid_scope", async () => {
    const other = await newFirm(server, {
      identifier: "narrow",
      firmScopes: ["cases.create", "parties.manage", "users.list"],
      scopes: ["cases.create", "users.list", "invites.send"],
    });
    const granted = await exchange(server, other, ALL_SCOPES);
    expect(granted.body.principal.scopes).toEqual(["cases.create", "users.list"]);
    const none = await exchange(server, other, ["invites.send", "parties.manage"]);
    expect(none.status).toBe(400);
    expect(errorCode(none)).toBe("invalid_scope");
  });

  it("unknown clientId, wrong secret and disabled integration are one and the same 401 invalid_client", async () => {
    const victim = await newFirm(server, { identifier: "victim" });
    const address = from("192.0.2.10");
    const unknown = await exchange(
      server,
      { clientId: crypto.randomUUID(), clientSecret: victim.clientSecret },
      ALL_SCOPES,
      address,
    );
    const wrongSecret = await exchange(server, { ...victim, clientSecret: "not-the-secret" }, ALL_SCOPES, address);
    await server.admin.disableIntegration(victim.clientId);
    const disabled = await exchange(server, victim, ALL_SCOPES, address);
    for (const reply of [unknown, wrongSecret, disabled]) {
      expect(reply.status).toBe(401);
      expect(errorCode(reply)).toBe("invalid_client");
    }
    expect(withoutRequestId(wrongSecret.body)).toEqual(withoutRequestId(unknown.body));
    expect(withoutRequestId(disabled.body)).toEqual(withoutRequestId(unknown.body));
  });

  it("valid credentials from outside allowedIpRanges are 403 ip_not_allowed (and do not count as failures)", async () => {
    const office = await newFirm(server, { identifier: "office", ranges: ["203.0.113.0/24"] });
    for (let i = 0; i < 12; i++) {
      const reply = await exchange(server, office, ["cases.create"], from("198.51.100.77"));
      expect(reply.status).toBe(403);
      expect(errorCode(reply)).toBe("ip_not_allowed");
    }
    expect((await exchange(server, office, ["cases.create"], from("203.0.113.9"))).status).toBe(200);
  });

  it("rotating the secret invalidates the old one at once; --grace-seconds keeps it for a bounded time", async () => {
    const app = await newFirm(server, { identifier: "rotating" });
    const { clientSecret } = await server.admin.rotateSecret({ appId: app.clientId });
    expect(errorCode(await exchange(server, app, ["cases.create"], from("192.0.2.50")))).toBe("invalid_client");
    expect((await exchange(server, { ...app, clientSecret }, ["cases.create"])).status).toBe(200);

    const graced = await server.admin.rotateSecret({ appId: app.clientId, graceSeconds: 60 });
    expect((await exchange(server, { ...app, clientSecret }, ["cases.create"])).status).toBe(200);
    expect((await exchange(server, { ...app, clientSecret: graced.clientSecret }, ["cases.create"])).status).toBe(200);
    server.clock.advance(61);
    try {
      expect(errorCode(await exchange(server, { ...app, clientSecret }, ["cases.create"], from("192.0.2.51")))).toBe(
        "invalid_client",
      );
    } finally {
      server.clock.advance(-61);
    }
  });
});

describe("token endpoint failure limits", () => {
  it("more than 10 failures from one address for one clientId are 429 rate_limited with Retry-After; another address is not locked out", async () => {
    const app = await newFirm(server, { identifier: "brute-forced", ranges: ["0.0.0.0/0", "::/0"] });
    const attacker = from("198.51.100.1");
    for (let i = 1; i <= 10; i++) {
      const reply = await exchange(server, { ...app, clientSecret: `guess-${i}` }, ["cases.create"], attacker);
      expect(reply.status).toBe(401);
      expect(reply.headers.get("ratelimit")).toMatch(new RegExp(`^limit=10, remaining=${10 - i}, reset=\\d+$`));
    }
    const locked = await exchange(server, app, ["cases.create"], attacker);
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe("rate_limited");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(locked.headers.get("ratelimit")).toBe(`limit=10, remaining=0, reset=${retryAfter}`);
    expect(locked.headers.get("ratelimit-policy")).toBe("10;w=900");

    // The client itself is not locked out: its own address still gets tokens.
    expect((await exchange(server, app, ["cases.create"], from("198.51.100.2"))).status).toBe(200);
    // The same address may still try another clientId (the per-address limit is 50).
    const neighbour = await newFirm(server, { identifier: "neighbour", ranges: ["0.0.0.0/0"] });
    expect((await exchange(server, neighbour, ["cases.create"], attacker)).status).toBe(200);

    // The window passes: the limit lifts.
    server.clock.advance(901);
    try {
      expect((await exchange(server, app, ["cases.create"], attacker)).status).toBe(200);
    } finally {
      server.clock.advance(-901);
    }
  });

  it("more than 50 failures from one address, across clientIds, are 429 for every clientId from it", async () => {
    const spray = from("2001:db8::bad");
    for (let i = 0; i < 50; i++) {
      // However the address is written, and wherever in its /64 it moves, it is one source.
      const address = [from("2001:db8::bad"), from("2001:db8:0:0:0:0:0:bad"), from(`2001:db8::${i.toString(16)}`)][
        i % 3
      ];
      const reply = await exchange(
        server,
        { clientId: crypto.randomUUID(), clientSecret: "x" },
        ["cases.create"],
        address,
      );
      expect(reply.status).toBe(401);
    }
    const app = await newFirm(server, { identifier: "sprayed", ranges: ["::/0"] });
    const locked = await exchange(server, app, ["cases.create"], spray);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("ratelimit-policy")).toBe("50;w=900");
    expect((await exchange(server, app, ["cases.create"], from("2001:db8:1::1"))).status).toBe(200);
  });

  it("100 concurrent wrong secrets from one address: no more than 10 are answered other than 429, and the right secret after them is 429", async () => {
    const app = await newFirm(server, { identifier: "burst", ranges: ["0.0.0.0/0"] });
    const attacker = from("198.51.100.30");
    const burst = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        exchange(server, { ...app, clientSecret: `guess-${i}` }, ["cases.create"], attacker),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(10);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const right = await exchange(server, app, ["cases.create"], attacker);
    expect(right.status).toBe(429);
    expect(errorCode(right)).toBe("rate_limited");
  });

  it("100 concurrent attempts with different clientIds from one address: no more than 50 are answered other than 429", async () => {
    const spray = from("198.51.100.31");
    const burst = await Promise.all(
      Array.from({ length: 100 }, () =>
        exchange(server, { clientId: crypto.randomUUID(), clientSecret: "x" }, ["cases.create"], spray),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(50);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const app = await newFirm(server, { identifier: "sprayed-at-once", ranges: ["0.0.0.0/0"] });
    expect((await exchange(server, app, ["cases.create"], spray)).status).toBe(429);
  });
});
