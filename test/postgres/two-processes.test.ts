// Two real server processes (`node dist/server-stub/main.js`) on one PostgreSQL database behave as one service:
// the duplicate check, tokens, pages, signing-key rotation, failure limits, idempotency keys and the invite limit
// all hold across them, and a kill -9 of one under load loses nothing it acknowledged.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirmAdmin } from "../../server-stub/admin/firm-admin.ts";
import { SigningKeys } from "../../server-stub/auth/signing-keys.ts";
import { LOOPBACK_RANGES } from "../../server-stub/demo.ts";
import { openStore, type Store } from "../../server-stub/store/database.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";
import {
  ALL_SCOPES,
  assertDistIsFresh,
  call,
  errorCode,
  exchange,
  tokenFor,
  type Credentials,
  type Reply,
} from "../server/harness.ts";
import { postgresOnly } from "./postgres.ts";
import { caseBody } from "../support/request-bodies.ts";

const FAILURES_PER_CLIENT = 4;
const INVITES_PER_PARTY = 5;

let database: ThrowawayStore;
let store: Store;
let admin: FirmAdmin;
let one: ReferenceServer;
let two: ReferenceServer;
let firm: Credentials & { orgId: string };

async function newIntegration(orgId: string, identifier: string): Promise<Credentials> {
  const created = await admin.createIntegration({
    orgId,
    identifier,
    scopes: ALL_SCOPES,
    allowedIpRanges: LOOPBACK_RANGES,
  });
  return { clientId: created.appId, clientSecret: created.clientSecret };
}

const kid = (token: string): string => JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString()).kid;

describe.skipIf(!process.env.DATABASE_URL)(postgresOnly("two server processes on one PostgreSQL database"), () => {
  beforeAll(async () => {
    assertDistIsFresh();
    database = await createThrowawayStore(process.env.DATABASE_URL);
    store = await openStore(database.options);
    admin = new FirmAdmin(store);
    const env = {
      TOKEN_FAILURES_PER_CLIENT: String(FAILURES_PER_CLIENT),
      INVITES_PER_PARTY_PER_DAY: String(INVITES_PER_PARTY),
      PG_POOL_SIZE: "5",
    };
    const databaseUrl = (database.env as { DATABASE_URL: string }).DATABASE_URL;
    one = await startReferenceServer({ inProcess: false, databaseUrl, env });
    two = await startReferenceServer({ inProcess: false, databaseUrl, env });
    const created = await admin.createFirm({ name: "Two Processes LLP" });
    firm = { orgId: created.orgId, ...(await newIntegration(created.orgId, "two-processes")) };
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await store?.close();
    await database?.dispose();
  });

  it("a token issued by one process is accepted by the other, both ways", async () => {
    for (const [issuer, user] of [
      [one, two],
      [two, one],
    ]) {
      const token = await tokenFor(issuer, firm);
      const reply = await call(user, "GET", "/v1/microapps/api/users", { token });
      expect(reply.status).toBe(200);
    }
  });

  it("50 concurrent creates of one matterRef split across both processes give exactly one 201 and 49 x 409", async () => {
    const tokens = [await tokenFor(one, firm), await tokenFor(two, firm)];
    const matterRef = `DUP-${randomUUID()}`;
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(i % 2 ? two : one, "POST", "/v1/cases", { token: tokens[i % 2], body: caseBody({ matterRef }) }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const reply of replies.filter((r) => r.status === 409)) expect(errorCode(reply)).toBe("duplicate_matter_ref");
    const rows = await store.db
      .selectFrom("cases")
      .select("case_id")
      .where("org_id", "=", firm.orgId)
      .where("matter_ref", "=", matterRef)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("a keyset walk that alternates processes page by page returns every id exactly once, ascending", async () => {
    const created = await admin.createFirm({ name: "Paged LLP" });
    const paged = await newIntegration(created.orgId, "paged");
    await admin.seedCases(created.orgId, 450);
    const tokens = [await tokenFor(one, paged), await tokenFor(two, paged)];
    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const reply = await call(
        page % 2 ? two : one,
        "GET",
        `/v1/microapps/api/cases/ids?limit=50${cursor ? `&cursor=${cursor}` : ""}`,
        { token: tokens[page % 2] },
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      seen.push(...reply.body.items);
      cursor = reply.body.nextCursor;
      page++;
    } while (cursor !== null && page < 100);
    expect(page).toBe(9);
    const stored = await store.db.selectFrom("cases").select("case_id").where("org_id", "=", created.orgId).execute();
    const byteOrder = stored.map((r) => r.case_id).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(seen).toEqual(byteOrder);
  });

  it("a signing key rotated through the store signs the next token on both processes; older tokens keep verifying on both", async () => {
    const before = await tokenFor(one, firm);
    const rotated = await new SigningKeys(store).rotate();
    const fromOne = await tokenFor(one, firm);
    const fromTwo = await tokenFor(two, firm);
    expect([kid(fromOne), kid(fromTwo)]).toEqual([rotated, rotated]);
    expect(kid(before)).not.toBe(rotated);
    for (const server of [one, two]) {
      for (const token of [before, fromOne, fromTwo]) {
        expect((await call(server, "GET", "/v1/microapps/api/users", { token })).status).toBe(200);
      }
    }
  });

  it("token-endpoint failures are counted in the database: failures spread over both processes lock the client on both", async () => {
    const target = await newIntegration(firm.orgId, "failure-limits");
    const wrong = { ...target, clientSecret: "not-the-secret" };
    for (let i = 0; i < FAILURES_PER_CLIENT; i++) {
      const reply = await exchange(i % 2 ? two : one, wrong);
      expect(reply.status).toBe(401);
    }
    for (const server of [one, two]) {
      const locked = await exchange(server, target);
      expect(locked.status).toBe(429);
      expect(errorCode(locked)).toBe("rate_limited");
    }
    // Another client from the same address is not locked.
    expect((await exchange(two, firm)).status).toBe(200);
  });

  it("an Idempotency-Key used on one process is replayed by the other; the case is created once", async () => {
    const token = await tokenFor(one, firm);
    const body = { matterRef: `IDEM-${randomUUID()}` };
    const headers = { "Idempotency-Key": randomUUID() };
    const first = await call(one, "POST", "/v1/cases", { token, body, headers });
    const again = await call(two, "POST", "/v1/cases", { token, body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const rows = await store.db
      .selectFrom("cases")
      .select("case_id")
      .where("matter_ref", "=", body.matterRef)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("the invites-per-party limit holds across processes: 12 concurrent invites split across both send exactly 5", async () => {
    const tokens = [await tokenFor(one, firm), await tokenFor(two, firm)];
    const created = await call(one, "POST", "/v1/cases", {
      token: tokens[0],
      body: { matterRef: `INVITE-${randomUUID()}`, parties: [{ name: "Invited Party", email: "invited@example.com" }] },
    });
    const path = `/v1/cases/${created.body.caseId}/invites`;
    const body = { partyId: created.body.parties[0].partyId };
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => call(i % 2 ? two : one, "POST", path, { token: tokens[i % 2], body })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(INVITES_PER_PARTY);
    for (const reply of replies.filter((r) => r.status !== 201)) expect(errorCode(reply)).toBe("invite_limit_reached");
    const sent = await store.db
      .selectFrom("invites")
      .select("invite_id")
      .where("party_id", "=", body.partyId)
      .execute();
    expect(sent).toHaveLength(INVITES_PER_PARTY);
  });

  // Last: it kills the first process.
  it("kill -9 of one process under load loses nothing it acknowledged; the other keeps serving", async () => {
    const tokens = new Map([
      [one, await tokenFor(one, firm)],
      [two, await tokenFor(two, firm)],
    ]);
    const acknowledged: { caseId: string; matterRef: string; by: ReferenceServer; at: number }[] = [];
    let killedAt = Infinity;
    const deadline = Date.now() + 2500;
    const worker = async (server: ReferenceServer) => {
      while (Date.now() < deadline) {
        const matterRef = `LOAD-${randomUUID()}`;
        let reply: Reply;
        try {
          reply = await call(server, "POST", "/v1/cases", {
            token: tokens.get(server),
            body: { matterRef, parties: [{ name: "Load Party", email: "load@example.com" }] },
          });
        } catch (e) {
          // The killed process's connections fail: those requests were never acknowledged.
          if (server !== one || Date.now() < killedAt) throw e;
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        if (reply.status !== 201) throw new Error(`unexpected ${reply.status} ${JSON.stringify(reply.body)}`);
        acknowledged.push({ caseId: reply.body.caseId, matterRef, by: server, at: Date.now() });
      }
    };
    const load = Promise.all([
      ...Array.from({ length: 6 }, () => worker(one)),
      ...Array.from({ length: 6 }, () => worker(two)),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 800));
    killedAt = Date.now();
    process.kill(one.pid!, "SIGKILL");
    await load;

    const fromOne = acknowledged.filter((a) => a.by === one);
    const fromTwoAfterKill = acknowledged.filter((a) => a.by === two && a.at > killedAt);
    expect(fromOne.length).toBeGreaterThan(10);
    expect(fromTwoAfterKill.length).toBeGreaterThan(10);

    // Every acknowledged case is there, with its party and its audit row.
    const ids = acknowledged.map((a) => a.caseId);
    const cases = await store.db
      .selectFrom("cases")
      .select(["case_id", "matter_ref"])
      .where("case_id", "in", ids)
      .execute();
    expect(new Map(cases.map((c) => [c.case_id, c.matter_ref]))).toEqual(
      new Map(acknowledged.map((a) => [a.caseId, a.matterRef])),
    );
    const parties = await store.db.selectFrom("parties").select("case_id").where("case_id", "in", ids).execute();
    expect(new Set(parties.map((p) => p.case_id)).size).toBe(ids.length);
    // And nothing half-written by the killed process's open transactions: every LOAD case has its audit row.
    const loadCases = await store.db
      .selectFrom("cases")
      .select("case_id")
      .where("org_id", "=", firm.orgId)
      .where("matter_ref", "like", "LOAD-%")
      .execute();
    const audited = await store.db
      .selectFrom("audit")
      .select("case_id")
      .where("org_id", "=", firm.orgId)
      .where("action", "=", "case.created")
      .where(
        "case_id",
        "in",
        loadCases.map((c) => c.case_id),
      )
      .execute();
    expect(audited.length).toBe(loadCases.length);
    expect((await call(two, "GET", "/healthz")).status).toBe(200);
  });
});
