// Idempotency-Key on the three POSTs that change cases: a retry does nothing twice, whatever the timing.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimKey, completeKey, type KeyScope } from "../../server-stub/store/idempotency-keys.ts";
import { call, errorCode, newFirm, startTestServer, tokenFor, type Reply, type TestServer } from "../server/harness.ts";

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer({ IDEMPOTENCY_LOCK_SECONDS: "30" });
  token = await tokenFor(server, server);
});
afterAll(() => server?.close());

const post = (path: string, body: unknown, key?: string, bearer = token): Promise<Reply> =>
  call(server, "POST", path, { token: bearer, body, headers: key === undefined ? {} : { "Idempotency-Key": key } });

async function count(
  table: "cases" | "parties" | "invites" | "audit" | "outbox" | "idempotency_keys",
): Promise<number> {
  const row = await server.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function newCase(
  parties: unknown[] = [{ name: "Alex Client", email: "alex@example.com", mobile: "+447700900123" }],
) {
  const reply = await post("/v1/cases", { matterRef: `IDEM-${randomUUID()}`, parties });
  expect(reply.status).toBe(201);
  return reply.body as { caseId: string; parties: { partyId: string }[] };
}

describe("Idempotency-Key", () => {
  it("a retry with the same key and body gets the original status and body with Idempotent-Replayed: true, on all three POSTs, and changes nothing", async () => {
    const created = await newCase();
    const requests: [string, unknown][] = [
      ["/v1/cases", { matterRef: `IDEM-${randomUUID()}`, parties: [{ name: "Riley Buyer" }] }],
      [`/v1/cases/${created.caseId}/parties`, { name: "Jordan Seller", email: "jordan@example.com" }],
      [`/v1/cases/${created.caseId}/invites`, { partyId: created.parties[0].partyId, sendSms: true }],
    ];
    for (const [path, body] of requests) {
      const key = randomUUID();
      const first = await post(path, body, key);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      const rows = {
        cases: await count("cases"),
        parties: await count("parties"),
        invites: await count("invites"),
        audit: await count("audit"),
      };

      const retry = await post(path, body, key);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      // The same request through the browser prefix is the same request.
      const viaProxy = await post(`/api${path}`, body, key);
      expect(viaProxy.body).toEqual(first.body);
      expect(viaProxy.headers.get("idempotent-replayed")).toBe("true");
      expect({
        cases: await count("cases"),
        parties: await count("parties"),
        invites: await count("invites"),
        audit: await count("audit"),
      }).toEqual(rows);
    }
  });

  it("the same body with its fields in another order is the same request; another body is 422 idempotency_key_reused", async () => {
    const key = randomUUID();
    const matterRef = `IDEM-${randomUUID()}`;
    const first = await post("/v1/cases", { matterRef, matterType: "Purchase" }, key);
    expect(first.status).toBe(201);
    const reordered = await call(server, "POST", "/v1/cases", {
      token,
      rawBody: `{"matterType":"Purchase","matterRef":"${matterRef}"}`,
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    });
    expect(reordered.body).toEqual(first.body);
    const other = await post("/v1/cases", { matterRef, matterType: "Sale" }, key);
    expect(other.status).toBe(422);
    expect(errorCode(other)).toBe("idempotency_key_reused");
  });

  it("keys are scoped to the integration, the method and the path: the same key elsewhere is a new request", async () => {
    const key = `shared-${randomUUID()}`;
    const a = await newCase();
    const b = await newCase();
    const onA = await post(`/v1/cases/${a.caseId}/parties`, { name: "Same Name" }, key);
    const onB = await post(`/v1/cases/${b.caseId}/parties`, { name: "Same Name" }, key);
    expect([onA.status, onB.status]).toEqual([201, 201]);
    expect(onB.body.partyId).not.toBe(onA.body.partyId);
    expect(onB.headers.get("idempotent-replayed")).toBeNull();

    // Another firm's integration with the same key and body gets its own case, never the first firm's answer.
    const other = await newFirm(server, { identifier: `idem-${randomUUID()}` });
    const otherToken = await tokenFor(server, other);
    const body = { matterRef: `IDEM-${randomUUID()}` };
    const mine = await post("/v1/cases", body, key);
    const theirs = await post("/v1/cases", body, key, otherToken);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.caseId).not.toBe(mine.body.caseId);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
  });

  it("keys are scoped to the operation and its decoded path parameters: a percent-encoded retry is the same request", async () => {
    const created = await newCase();
    const key = `idem-${randomUUID()}`;
    const body = { name: "Encoded Retry" };
    const first = await post(`/v1/cases/${created.caseId}/parties`, body, key);
    expect(first.status).toBe(201);
    const before = await count("parties");
    const encoded = created.caseId.replace("_", "%5F");
    const retry = await post(`/api/v1/cases/${encoded}/parties`, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(await count("parties")).toBe(before);
  });

  it("ten concurrent retries with one key create exactly one party (the rest replay it or are 409 idempotency_key_in_use)", async () => {
    const { caseId } = await newCase([]);
    const key = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => post(`/v1/cases/${caseId}/parties`, { name: "Only Once" }, key)),
    );
    const statuses = replies.map((r) => r.status);
    console.info(`ten concurrent retries with one Idempotency-Key: ${JSON.stringify(statuses)}`);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    for (const reply of replies.filter((r) => r.status === 409))
      expect(errorCode(reply)).toBe("idempotency_key_in_use");
    const created = replies.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.partyId)).size).toBe(1);
    const parties = await server.store.db
      .selectFrom("parties")
      .select("party_id")
      .where("case_id", "=", caseId)
      .execute();
    expect(parties.map((p) => p.party_id)).toEqual([created[0].body.partyId]);
    const audit = await server.store.db
      .selectFrom("audit")
      .select("audit_id")
      .where("target_id", "=", parties[0].party_id)
      .execute();
    expect(audit).toHaveLength(1);
    // Once the first has finished, every retry is a replay.
    const late = await post(`/v1/cases/${caseId}/parties`, { name: "Only Once" }, key);
    expect(late.headers.get("idempotent-replayed")).toBe("true");
  });

  it("a request that failed frees its key: nothing is stored, and the key can carry another request", async () => {
    const taken = `IDEM-${randomUUID()}`;
    expect((await post("/v1/cases", { matterRef: taken })).status).toBe(201);
    const keys = await count("idempotency_keys");
    const key = randomUUID();
    const failed = await post("/v1/cases", { matterRef: taken }, key);
    expect(errorCode(failed)).toBe("duplicate_matter_ref");
    expect(await count("idempotency_keys")).toBe(keys);
    const next = await post("/v1/cases", { matterRef: `IDEM-${randomUUID()}` }, key);
    expect(next.status).toBe(201);
  });

  it("a key held by a request whose process died is taken over once IDEMPOTENCY_LOCK_SECONDS have passed", async () => {
    const body = { matterRef: `IDEM-${randomUUID()}` };
    const key = randomUUID();
    // What a process killed mid-request leaves behind: a claimed key and no reply.
    const first = await post("/v1/cases", body, key);
    await server.store.db
      .updateTable("idempotency_keys")
      .set({
        response_status: null,
        response_body: null,
        owner: "dead-process",
        locked_until: server.clock.now() + 30_000,
      })
      .where("idempotency_key", "=", key)
      .execute();
    await server.store.db.deleteFrom("audit").where("case_id", "=", first.body.caseId).execute();
    await server.store.db.deleteFrom("cases").where("case_id", "=", first.body.caseId).execute();

    const meanwhile = await post("/v1/cases", body, key);
    expect(meanwhile.status).toBe(409);
    expect(errorCode(meanwhile)).toBe("idempotency_key_in_use");
    server.clock.advance(31);
    try {
      const retry = await post("/v1/cases", body, key);
      expect(retry.status).toBe(201);
      expect(retry.headers.get("idempotent-replayed")).toBeNull();
    } finally {
      server.clock.advance(-31);
    }
  });

  it("a request that outlived its lock after a retry took the key over is rolled back", async () => {
    const scope: KeyScope = { appId: server.clientId, method: "POST", path: "/v1/cases", key: randomUUID() };
    const now = server.clock.now();
    const claim = (owner: string, at: number) =>
      server.store.write((trx) =>
        claimKey(trx, scope, { requestHash: "h", owner, now: at, lockMs: 1000, expiredBefore: at - 86_400_000 }),
      );
    expect(await claim("slow", now)).toEqual({ outcome: "claimed", owner: "slow" });
    expect(await claim("retry", now + 500)).toEqual({ outcome: "in_use" });
    expect(await claim("retry", now + 1001)).toEqual({ outcome: "claimed", owner: "retry" });
    const reply = { status: 201, body: { caseId: "case_x" } };
    expect(await server.store.write((trx) => completeKey(trx, scope, "slow", reply))).toBe(false);
    expect(await server.store.write((trx) => completeKey(trx, scope, "retry", reply))).toBe(true);
    expect(await claim("third", now + 2000)).toMatchObject({
      outcome: "replay",
      reply: { status: 201, body: reply.body },
    });
  });

  it("keys are kept 24 hours: then the key is new again and the old record is purged", async () => {
    const key = randomUUID();
    const first = await post("/v1/cases", { matterRef: `IDEM-${randomUUID()}` }, key);
    expect(first.status).toBe(201);
    server.clock.advance(24 * 3600 + 1);
    try {
      const later = await post("/v1/cases", { matterRef: `IDEM-${randomUUID()}` }, key, await tokenFor(server, server));
      expect(later.status).toBe(201);
      expect(later.body.caseId).not.toBe(first.body.caseId);
      const old = await server.store.db
        .selectFrom("idempotency_keys")
        .select("idempotency_key")
        .where("created_at", "<=", server.clock.now() - 24 * 3600 * 1000)
        .execute();
      expect(old).toEqual([]);
    } finally {
      server.clock.advance(-(24 * 3600 + 1));
    }
  });

  it("a key must be 1 to 255 printable ASCII characters (400 invalid_request naming the header)", async () => {
    for (const key of ["x".repeat(256), "tab\there"]) {
      const reply = await post("/v1/cases", { matterRef: `IDEM-${randomUUID()}` }, key);
      expect(reply.status, key).toBe(400);
      expect(reply.body.error.details.map((d: { path: string }) => d.path)).toContain("/headers/idempotency-key");
    }
    expect((await post("/v1/cases", { matterRef: `IDEM-${randomUUID()}` }, "x".repeat(255))).status).toBe(201);
  });
});
