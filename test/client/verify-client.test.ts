// The partner client against the reference server: token caching and refresh, retries with the same
// Idempotency-Key, Retry-After on 429, and the page walk. Faults come from a proxy (unreliable-network-proxy.ts) or,
// for the expired token, from moving the server's clock.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract, repoRoot } from "../../contract/index.ts";
import { VerifyApiError, VerifyClient, type Scope, type VerifyClientOptions } from "../../clients/verify-client.ts";
import type { Clock } from "../../server-stub/clock.ts";
import { startInProcess, type InProcessServer } from "../support/reference-server.ts";
import {
  startUnreliableNetworkProxy,
  type ProxyAction,
  type UnreliableNetworkProxy,
} from "./unreliable-network-proxy.ts";

const ALL_SCOPES = [...loadContract().scopeNames] as Scope[];

class MovableClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

const serverClock = new MovableClock();
let server: InProcessServer;
const proxies: UnreliableNetworkProxy[] = [];

beforeAll(async () => {
  server = await startInProcess({ clock: serverClock });
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await server?.close();
});

/** A client with a fetch that records the path and status of every exchange it makes. */
function clientFor(baseUrl: string, options: Partial<VerifyClientOptions> = {}) {
  const log: string[] = [];
  const client = new VerifyClient({
    baseUrl,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    scopes: ALL_SCOPES,
    initialBackoffMs: 10,
    ...options,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      log.push(`${init?.method} ${new URL(String(input)).pathname} ${response.status}`);
      return response;
    },
  });
  const exchanges = () => log.filter((l) => l.includes("/system-tokens")).length;
  return { client, log, exchanges };
}

async function proxy(
  plan: (request: { method: string; path: string }, nth: number) => ProxyAction,
): Promise<UnreliableNetworkProxy> {
  const started = await startUnreliableNetworkProxy(server.baseUrl, plan);
  proxies.push(started);
  return started;
}

const newCase = () => ({
  matterRef: `MAT-${randomUUID()}`,
  matterType: "Purchase",
  parties: [{ name: "Alex Client", email: "alex@example.com" }],
});

describe("VerifyClient", () => {
  it("creates a case, adds a party and sends an invite with one token exchange", async () => {
    const { client, exchanges } = clientFor(server.baseUrl);
    const created = await client.createCase(newCase());
    const party = await client.addParty(created.caseId, {
      name: "Jordan Client",
      email: "jordan@example.com",
      role: "Seller",
    });
    const invite = await client.sendInvite(created.caseId, { partyId: party.partyId });
    expect(created.status).toBe("NotStarted");
    expect(invite.channel).toBe("email");
    expect(exchanges()).toBe(1);
  });

  it("reuses the token until shortly before expiresAt, then exchanges a new one before calling", async () => {
    const clientClock = new MovableClock();
    const { client, log, exchanges } = clientFor(server.baseUrl, {
      tokenLifetimeSeconds: 60,
      now: () => clientClock.now(),
    });
    await client.listCaseIds();
    clientClock.offsetMs = 20_000; // 40 s left: still inside the lifetime minus the 30 s margin
    await client.listCaseIds();
    expect(exchanges()).toBe(1);
    clientClock.offsetMs = 35_000; // 25 s left: inside the margin
    await client.listCaseIds();
    expect(exchanges()).toBe(2);
    expect(log.filter((l) => l.endsWith(" 401"))).toEqual([]);
  });

  it("on 401 token_expired exchanges once more and repeats the call", async () => {
    const { client, log } = clientFor(server.baseUrl, { tokenLifetimeSeconds: 60 });
    await client.listCaseIds();
    // The server's clock runs ahead (skew, or a token revoked early): the client still thinks its token is fresh.
    serverClock.offsetMs += 120_000;
    try {
      const page = await client.listCaseIds();
      expect(page.ok).toBe(true);
    } finally {
      serverClock.offsetMs -= 120_000;
    }
    expect(log).toEqual([
      "POST /v1/microapps/system-tokens 200",
      "GET /v1/microapps/api/cases/ids 200",
      "GET /v1/microapps/api/cases/ids 401",
      "POST /v1/microapps/system-tokens 200",
      "GET /v1/microapps/api/cases/ids 200",
    ]);
  });

  it("refreshes only once per call: a second token_expired is handed back as an error", async () => {
    const expired = await proxy((request) =>
      request.path.includes("/system-tokens")
        ? "forward"
        : {
            status: 401,
            body: { ok: false, error: { code: "token_expired", message: "expired", details: [] }, requestId: "r" },
          },
    );
    const { client, log } = clientFor(expired.baseUrl);
    const error = await client.listUsers().catch((e) => e);
    expect(error).toBeInstanceOf(VerifyApiError);
    expect([error.status, error.code]).toEqual([401, "token_expired"]);
    expect(log.map((l) => l.split(" ")[1])).toEqual([
      "/v1/microapps/system-tokens",
      "/v1/microapps/api/users",
      "/v1/microapps/system-tokens",
      "/v1/microapps/api/users",
    ]);
  });

  it("repeats a POST with the same Idempotency-Key after a network error", async () => {
    const flaky = await proxy((request, nth) =>
      request.method === "POST" && request.path === "/v1/cases" && nth === 0 ? "drop" : "forward",
    );
    const { client } = clientFor(flaky.baseUrl);
    const created = await client.createCase(newCase());
    const posts = flaky.seen.filter((r) => r.method === "POST" && r.path === "/v1/cases");
    expect(posts).toHaveLength(2);
    expect(posts[1].headers["idempotency-key"]).toBe(posts[0].headers["idempotency-key"]);
    expect(created.caseId).toMatch(/^case_/);
  });

  // What makes a retry safe when the connection drops *after* the server acted: the retry, with the same key,
  // gets the first answer replayed (Idempotent-Replayed: true) instead of 409 duplicate_matter_ref.
  it("a POST retried after the connection dropped post-commit is replayed, and the case exists once", async () => {
    const lossy = await proxy((request, nth) =>
      request.method === "POST" && request.path === "/v1/cases" && nth === 0 ? "drop-answer" : "forward",
    );
    const { client } = clientFor(lossy.baseUrl);
    const body = newCase();
    const created = await client.createCase(body);
    const posts = lossy.seen.filter((r) => r.method === "POST" && r.path === "/v1/cases");
    expect(posts).toHaveLength(2);
    const rows = await server.store.db
      .selectFrom("cases")
      .select("case_id")
      .where("matter_ref", "=", body.matterRef)
      .execute();
    expect(rows.map((r) => r.case_id)).toEqual([created.caseId]);
  });

  it("repeats a keyed POST after a 5xx, with backoff, and gives up after maxRetries", async () => {
    const once = await proxy((request, nth) =>
      request.path.endsWith("/parties") && nth === 0 ? { status: 503, body: { ok: false } } : "forward",
    );
    const { client } = clientFor(once.baseUrl);
    const created = await client.createCase(newCase());
    const party = await client.addParty(created.caseId, { name: "Sam Seller" });
    expect(party.partyId).toMatch(/^party_/);
    const adds = once.seen.filter((r) => r.path.endsWith("/parties"));
    expect(adds.map((r) => r.headers["idempotency-key"])).toEqual([
      adds[0].headers["idempotency-key"],
      adds[0].headers["idempotency-key"],
    ]);

    const down = await proxy((request) =>
      request.path.includes("/system-tokens") ? "forward" : { status: 503, body: { ok: false } },
    );
    const { client: patient } = clientFor(down.baseUrl, { maxRetries: 2 });
    const error = await patient.listCaseIds().catch((e) => e);
    expect(error.status).toBe(503);
    expect(down.seen.filter((r) => r.path.startsWith("/v1/microapps/api/cases/ids"))).toHaveLength(3);
  });

  it("waits out a 429 for its Retry-After, then succeeds", async () => {
    const limited = await proxy((request, nth) =>
      request.path.startsWith("/v1/microapps/api/users") && nth === 0
        ? { status: 429, headers: { "Retry-After": "1" } }
        : "forward",
    );
    const slept: number[] = [];
    const { client } = clientFor(limited.baseUrl, {
      sleep: (ms) => {
        slept.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    await client.accessToken();
    const page = await client.listUsers();
    expect(page.ok).toBe(true);
    // It waited Retry-After's second (what it waited for is recorded, not timed).
    expect(slept).toEqual([1000]);
  });

  it("hands back a 429 whose Retry-After is longer than it will wait, at once", async () => {
    const limited = await proxy((request) =>
      request.path.includes("/invites")
        ? {
            status: 429,
            headers: { "Retry-After": "3600" },
            body: { ok: false, error: { code: "invite_limit_reached", message: "later", details: [] }, requestId: "r" },
          }
        : "forward",
    );
    const slept: number[] = [];
    const { client } = clientFor(limited.baseUrl, {
      maxRetryAfterSeconds: 30,
      sleep: async (ms) => void slept.push(ms),
    });
    const created = await client.createCase(newCase());
    const error = await client.sendInvite(created.caseId, { partyId: created.parties[0].partyId }).catch((e) => e);
    // At once: the client did not wait at all (what it waited for is recorded, not timed).
    expect(slept).toEqual([]);
    expect([error.status, error.code, error.retryAfterSeconds]).toEqual([429, "invite_limit_reached", 3600]);
  });

  it("walks every case id once, in order, across pages", async () => {
    const { client } = clientFor(server.baseUrl);
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await client.createCase(newCase())).caseId);
    const walked: string[] = [];
    for await (const id of client.caseIds({ limit: 2 })) walked.push(id);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual([...walked].sort());
    expect(walked).toEqual(expect.arrayContaining(created));
  });
});

describe("the README example", () => {
  it("creates a case, adds a party and sends the invite against the reference server", async () => {
    const env = {
      ...process.env,
      VERIFY_BASE_URL: server.baseUrl,
      VERIFY_CLIENT_ID: server.clientId,
      VERIFY_CLIENT_SECRET: server.clientSecret,
      MATTER_REF: `MAT-${randomUUID()}`,
    };
    const { stdout } = await promisify(execFile)(
      join(repoRoot, "node_modules/.bin/tsx"),
      ["clients/examples/create-case-then-invite.ts"],
      { cwd: repoRoot, env },
    );
    expect(stdout).toMatch(/^case case_\S+: invite invite_\S+ sent by email\n$/);
  });
});
