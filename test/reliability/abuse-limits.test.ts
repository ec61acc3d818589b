// Abuse limits that live in the store: invites per party per day, parties per case, and the token endpoint's
// failure counts and Idempotency-Keys shared by every process on one store.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcessServer } from "../support/reference-server.ts";
import {
  call,
  errorCode,
  exchange,
  startTestServer,
  tokenFor,
  TestClock,
  type Reply,
  type TestServer,
} from "../server/harness.ts";
import { caseBody } from "../support/request-bodies.ts";

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await tokenFor(server, server);
});
afterAll(() => server?.close());

// Invites are limited per destination too, so each party gets a number and an address of its own unless a test
// shares one on purpose (the reserved 07700 900xxx range, and example.com).
let destinations = 0;
const freshMobile = () => `+447700${900000 + destinations++}`;
const freshEmail = () => `p${destinations++}-${randomUUID()}@example.com`;

async function caseWithParties(
  target: { baseUrl: string },
  bearer: string,
  count: number,
  party: (i: number) => { email?: string; mobile?: string } = () => ({ email: freshEmail(), mobile: freshMobile() }),
) {
  const parties = Array.from({ length: count }, (_, i) => ({ name: `Party ${i}`, ...party(i) }));
  const reply = await call(target, "POST", "/v1/cases", {
    token: bearer,
    body: caseBody({ matterRef: `ABUSE-${randomUUID()}`, parties }),
  });
  expect(reply.status).toBe(201);
  return reply.body as { caseId: string; parties: { partyId: string }[] };
}

const invite = (
  target: { baseUrl: string },
  bearer: string,
  caseId: string,
  partyId: string,
  key?: string,
  sendSms = true,
): Promise<Reply> =>
  call(target, "POST", `/v1/cases/${caseId}/invites`, {
    token: bearer,
    body: { partyId, sendSms },
    headers: key ? { "Idempotency-Key": key } : {},
  });

async function outboxTo(target: InProcessServer, recipients: string[]): Promise<number> {
  return (
    await target.store.db.selectFrom("outbox").select("message_id").where("recipient", "in", recipients).execute()
  ).length;
}

async function outboxFor(partyId: string): Promise<number> {
  return (await server.store.db.selectFrom("outbox").select("message_id").where("party_id", "=", partyId).execute())
    .length;
}

describe("invites per party per day", () => {
  it("the sixth invite to one party within 24 hours is 429 invite_limit_reached with Retry-After and RateLimit headers; other parties are unaffected; the window lifts", async () => {
    const { caseId, parties } = await caseWithParties(server, token, 2);
    const [target, other] = parties.map((p) => p.partyId);
    for (let i = 1; i <= 5; i++) {
      const reply = await invite(server, token, caseId, target);
      expect(reply.status).toBe(201);
      expect(reply.headers.get("ratelimit")).toMatch(new RegExp(`^limit=5, remaining=${5 - i}, reset=\\d+$`));
      expect(reply.headers.get("ratelimit-policy")).toBe("5;w=86400");
    }
    // A replay of an invite already sent is not another invite.
    const key = randomUUID();
    const sent = await invite(server, token, caseId, other, key);
    expect((await invite(server, token, caseId, other, key)).headers.get("idempotent-replayed")).toBe("true");
    expect(sent.headers.get("ratelimit")).toMatch(/^limit=5, remaining=4, /);

    const refused = await invite(server, token, caseId, target);
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe("invite_limit_reached");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(refused.headers.get("ratelimit")).toBe(`limit=5, remaining=0, reset=${retryAfter}`);
    expect(refused.headers.get("ratelimit-policy")).toBe("5;w=86400");
    expect(await outboxFor(target)).toBe(5);

    expect((await invite(server, token, caseId, other)).status).toBe(201);
    server.clock.advance(86_401);
    try {
      const fresh = await tokenFor(server, server);
      expect((await invite(server, fresh, caseId, target)).status).toBe(201);
    } finally {
      server.clock.advance(-86_401);
    }
  });

  it("ten concurrent invites to one party send exactly five", async () => {
    const { caseId, parties } = await caseWithParties(server, token, 1);
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => invite(server, token, caseId, parties[0].partyId)),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 429, 429, 429, 429, 429]);
    expect(await outboxFor(parties[0].partyId)).toBe(5);
  });
});

describe("invites per firm and destination, and per firm and channel", () => {
  it("three parties sharing one mobile number get five SMS in all: the sixth is 429 destination_limit_reached with Retry-After and RateLimit headers; another number is unaffected", async () => {
    const shared = freshMobile();
    const { caseId, parties } = await caseWithParties(server, token, 4, (i) => ({
      mobile: i < 3 ? shared : freshMobile(),
    }));
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++)
      for (const party of parties.slice(0, 3))
        statuses.push((await invite(server, token, caseId, party.partyId)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    const refused = await invite(server, token, caseId, parties[2].partyId);
    expect(errorCode(refused)).toBe("destination_limit_reached");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(refused.headers.get("ratelimit")).toBe(`limit=5, remaining=0, reset=${retryAfter}`);
    expect(refused.headers.get("ratelimit-policy")).toBe("5;w=86400");
    expect(await outboxTo(server, [shared])).toBe(5);
    expect((await invite(server, token, caseId, parties[3].partyId)).status).toBe(201);
  });

  it("an email address is one destination however it is cased", async () => {
    const local = `Mixed-${randomUUID()}`;
    const spellings = [
      `${local}@Example.com`,
      `${local.toLowerCase()}@example.com`,
      `${local.toUpperCase()}@EXAMPLE.COM`,
    ];
    const { caseId, parties } = await caseWithParties(server, token, 3, (i) => ({ email: spellings[i] }));
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++)
      for (const party of parties)
        statuses.push((await invite(server, token, caseId, party.partyId, undefined, false)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    expect(await outboxTo(server, spellings)).toBe(5);
  });

  it("ten concurrent invites to ten parties sharing one number send exactly five", async () => {
    const shared = freshMobile();
    const { caseId, parties } = await caseWithParties(server, token, 10, () => ({ mobile: shared }));
    const replies = await Promise.all(parties.map((p) => invite(server, token, caseId, p.partyId)));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 429, 429, 429, 429, 429]);
    expect(new Set(replies.filter((r) => r.status === 429).map(errorCode))).toEqual(
      new Set(["destination_limit_reached"]),
    );
    expect(await outboxTo(server, [shared])).toBe(5);
  });

  it("SMS_INVITES_PER_FIRM_PER_DAY and EMAIL_INVITES_PER_FIRM_PER_DAY cap a firm's invites on each channel: the next is 429 firm_invite_limit_reached, also when ten arrive at once", async () => {
    const capped = await startInProcess({
      env: { SMS_INVITES_PER_FIRM_PER_DAY: "3", EMAIL_INVITES_PER_FIRM_PER_DAY: "4" },
    });
    try {
      const bearer = await tokenFor(capped, capped);
      const { caseId, parties } = await caseWithParties(capped, bearer, 10);
      const sms = await Promise.all(parties.map((p) => invite(capped, bearer, caseId, p.partyId)));
      expect(sms.map((r) => r.status).sort()).toEqual([201, 201, 201, ...Array(7).fill(429)]);
      const refused = sms.find((r) => r.status === 429)!;
      expect(errorCode(refused)).toBe("firm_invite_limit_reached");
      expect(refused.body.error.message).toBe("This firm has sent the most SMS invites allowed today.");
      expect(refused.headers.get("ratelimit-policy")).toBe("3;w=86400");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(86_000);

      // Email has its own cap.
      const emails: number[] = [];
      for (const party of parties.slice(0, 5))
        emails.push((await invite(capped, bearer, caseId, party.partyId, undefined, false)).status);
      expect(emails).toEqual([201, 201, 201, 201, 429]);
      const last = await invite(capped, bearer, caseId, parties[5].partyId, undefined, false);
      expect(last.body.error.message).toBe("This firm has sent the most email invites allowed today.");
      expect(last.headers.get("ratelimit-policy")).toBe("4;w=86400");
    } finally {
      await capped.close();
    }
  });
});

describe("configured limits", () => {
  let limited: InProcessServer;
  let bearer: string;
  beforeAll(async () => {
    limited = await startInProcess({
      env: { INVITES_PER_PARTY_PER_DAY: "2", INVITES_PER_DESTINATION_PER_DAY: "3", PARTIES_PER_CASE: "3" },
    });
    bearer = await tokenFor(limited, limited);
  });
  afterAll(() => limited?.close());

  it("INVITES_PER_PARTY_PER_DAY sets the invite limit", async () => {
    const { caseId, parties } = await caseWithParties(limited, bearer, 1);
    expect((await invite(limited, bearer, caseId, parties[0].partyId)).headers.get("ratelimit")).toMatch(
      /^limit=2, remaining=1, /,
    );
    expect((await invite(limited, bearer, caseId, parties[0].partyId)).status).toBe(201);
    expect(errorCode(await invite(limited, bearer, caseId, parties[0].partyId))).toBe("invite_limit_reached");
  });

  it("INVITES_PER_DESTINATION_PER_DAY sets the destination limit", async () => {
    const shared = freshMobile();
    const { caseId, parties } = await caseWithParties(limited, bearer, 2, () => ({ mobile: shared }));
    expect((await invite(limited, bearer, caseId, parties[0].partyId)).status).toBe(201);
    expect((await invite(limited, bearer, caseId, parties[0].partyId)).status).toBe(201);
    const third = await invite(limited, bearer, caseId, parties[1].partyId);
    expect(third.headers.get("ratelimit")).toMatch(/^limit=3, remaining=0, /);
    expect(errorCode(await invite(limited, bearer, caseId, parties[1].partyId))).toBe("destination_limit_reached");
  });

  it("PARTIES_PER_CASE caps a case's parties: the next is 422 party_limit_reached and writes nothing", async () => {
    const { caseId } = await caseWithParties(limited, bearer, 2);
    const add = () =>
      call(limited, "POST", `/v1/cases/${caseId}/parties`, { token: bearer, body: { name: "One More" } });
    expect((await add()).status).toBe(201);
    const refused = await add();
    expect(refused.status).toBe(422);
    expect(errorCode(refused)).toBe("party_limit_reached");
    const rows = await limited.store.db
      .selectFrom("parties")
      .select("party_id")
      .where("case_id", "=", caseId)
      .execute();
    expect(rows).toHaveLength(3);
    const tooMany = await call(limited, "POST", "/v1/cases", {
      token: bearer,
      body: {
        matterRef: `ABUSE-${randomUUID()}`,
        parties: [{ name: "A" }, { name: "B" }, { name: "C" }, { name: "D" }],
      },
    });
    expect(errorCode(tooMany)).toBe("party_limit_reached");
  });
});

describe("limits shared by every process on one store", () => {
  let first: InProcessServer;
  let second: InProcessServer;
  let bearer: string;
  beforeAll(async () => {
    const env = { TOKEN_FAILURES_PER_CLIENT: "4" };
    first = await startInProcess({ env, clock: new TestClock() });
    const sameStore = first.dataDir ? { dataDir: first.dataDir } : { databaseUrl: first.storeEnv.DATABASE_URL };
    // The second start on a used store gives the demo integration a new secret: second.clientSecret is the valid one.
    second = await startInProcess({ env, clock: new TestClock(), ...sameStore });
    // Before the lock-out below; a token from one process is accepted by the other (keys live in the store).
    bearer = await tokenFor(second, second);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it("token failures counted by one process lock the address out on the other", async () => {
    const wrong = { clientId: first.clientId, clientSecret: "not-the-secret" };
    expect((await exchange(first, wrong)).status).toBe(401);
    expect((await exchange(second, wrong)).status).toBe(401);
    expect((await exchange(first, wrong)).status).toBe(401);
    expect((await exchange(second, wrong)).headers.get("ratelimit")).toMatch(/^limit=4, remaining=0, /);
    for (const target of [first, second]) {
      const locked = await exchange(target, wrong);
      expect(locked.status).toBe(429);
      expect(errorCode(locked)).toBe("rate_limited");
    }
  });

  it("an Idempotency-Key used on one process is replayed by the other", async () => {
    const key = randomUUID();
    const body = { matterRef: `ABUSE-${randomUUID()}` };
    const headers = { "Idempotency-Key": key };
    const created = await call(first, "POST", "/v1/cases", { token: bearer, body, headers });
    const replayed = await call(second, "POST", "/v1/cases", { token: bearer, body, headers });
    expect(created.status).toBe(201);
    expect(replayed.body).toEqual(created.body);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
  });
});
