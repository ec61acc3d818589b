// Cases, parties and invites: duplicates, atomicity, audit, outbox, and firm isolation.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, errorCode, newFirm, startTestServer, tokenFor, type TestServer } from "./harness.ts";
import { caseBody } from "../support/request-bodies.ts";

let server: TestServer;
let token: string;
let otherToken: string;
let otherOrgId: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await tokenFor(server, server);
  const other = await newFirm(server);
  otherOrgId = other.orgId;
  otherToken = await tokenFor(server, other);
});
afterAll(() => server?.close());

async function createCase(matterRef: string, parties: object[] = [], as = token) {
  return call(server, "POST", "/v1/cases", { token: as, body: caseBody({ matterRef, parties }) });
}

async function count(table: "cases" | "parties" | "audit" | "invites" | "outbox"): Promise<number> {
  const row = await server.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("cases", () => {
  it("creates a case with its parties, exactly the documented fields, ids prefixed and time-sortable", async () => {
    const reply = await createCase("MAT-A", [
      { name: "Alex Client", email: "alex@example.com", role: "Buyer" },
      { name: "Sam Client", mobile: "+447700900123" },
    ]);
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(["caseId", "parties", "status"]);
    expect(reply.body.status).toBe("NotStarted");
    expect(reply.body.caseId).toMatch(/^case_[0-9a-f]{32}$/);
    const [first, second] = reply.body.parties;
    expect(first).toEqual({
      partyId: expect.stringMatching(/^party_/),
      name: "Alex Client",
      clientAccessStatus: "not_sent",
    });
    expect(second.partyId > first.partyId).toBe(true);
  });

  it("a duplicate matterRef in the same firm is 409 duplicate_matter_ref; another firm may reuse it", async () => {
    expect((await createCase("MAT-DUP")).status).toBe(201);
    const again = await createCase("MAT-DUP");
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe("duplicate_matter_ref");
    expect((await createCase("MAT-DUP", [], otherToken)).status).toBe(201);
  });

  it("50 concurrent creates with one matterRef give exactly one 201 and 49 x 409", async () => {
    const replies = await Promise.all(Array.from({ length: 50 }, () => createCase("MAT-RACE", [{ name: "Racer" }])));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const rows = await server.store.db
      .selectFrom("cases")
      .select("case_id")
      .where("matter_ref", "=", "MAT-RACE")
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("a case whose transaction fails halfway leaves nothing: no case, no party, no audit row", async () => {
    // A trigger makes the second party's insert fail after the case and first party were written.
    const dropTrigger = async () => {
      await sql
        .raw(`drop trigger if exists fail_party${server.store.dialect === "postgres" ? " on parties" : ""}`)
        .execute(server.store.db);
    };
    if (server.store.dialect === "postgres") {
      await sql`create or replace function fail_party() returns trigger language plpgsql as $$
        begin if new.name = 'Explode' then raise exception 'boom'; end if; return new; end $$`.execute(server.store.db);
      await sql`create trigger fail_party before insert on parties for each row execute function fail_party()`.execute(
        server.store.db,
      );
    } else {
      await sql`create trigger fail_party before insert on parties when new.name = 'Explode' begin select raise(abort, 'boom'); end`.execute(
        server.store.db,
      );
    }
    try {
      const before = { cases: await count("cases"), parties: await count("parties"), audit: await count("audit") };
      const reply = await createCase("MAT-HALF", [{ name: "Fine" }, { name: "Explode" }]);
      expect(reply.status).toBe(500);
      expect(errorCode(reply)).toBe("internal_error");
      expect(JSON.stringify(reply.body)).not.toMatch(/boom|insert|sqlite|postgres|parties/i);
      expect({ cases: await count("cases"), parties: await count("parties"), audit: await count("audit") }).toEqual(
        before,
      );
      // And the matterRef is still free.
      await dropTrigger();
      expect((await createCase("MAT-HALF")).status).toBe(201);
    } finally {
      await dropTrigger();
    }
  });

  it("writes one audit row per action with the MicroApp actor, in CONTRACT.md's shape", async () => {
    const created = await createCase("MAT-AUDIT", [{ name: "Audited", email: "a@example.com" }]);
    const requestId = created.headers.get("x-request-id");
    const rows = (await server.admin.audit(server.orgId)).filter((r) => r.requestId === requestId);
    expect(rows.map((r) => r.action).sort()).toEqual(["case.created", "party.added"]);
    const caseRow = rows.find((r) => r.action === "case.created")!;
    expect(caseRow).toEqual({
      auditId: expect.stringMatching(/^audit_/),
      actorType: "microApp",
      actorId: server.clientId,
      meta: { actorTokenKind: "system", actorIdentifier: "demo-case-management-system" },
      action: "case.created",
      targetId: created.body.caseId,
      caseId: created.body.caseId,
      orgId: server.orgId,
      requestId,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it("rejected requests write nothing", async () => {
    const before = await count("audit");
    await createCase("MAT-DUP");
    await call(server, "POST", "/v1/cases", { token, body: { nope: 1 } });
    expect(await count("audit")).toBe(before);
  });
});

describe("parties and invites", () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = (await createCase("MAT-PARTIES")).body.caseId;
  });

  it("adds a party; absent optional values are null", async () => {
    const reply = await call(server, "POST", `/v1/cases/${caseId}/parties`, { token, body: { name: "Jordan Client" } });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      partyId: expect.stringMatching(/^party_/),
      name: "Jordan Client",
      email: null,
      role: null,
      clientAccessStatus: "not_sent",
    });
  });

  it("an email invite needs an email and an SMS invite a mobile (422 with the code that says which)", async () => {
    const noEmail = await call(server, "POST", `/v1/cases/${caseId}/parties`, {
      token,
      body: { name: "Mobile Only", mobile: "+447700900456" },
    });
    const noMobile = await call(server, "POST", `/v1/cases/${caseId}/parties`, {
      token,
      body: { name: "Email Only", email: "e@example.com" },
    });
    const byEmail = await call(server, "POST", `/v1/cases/${caseId}/invites`, {
      token,
      body: { partyId: noEmail.body.partyId },
    });
    expect(byEmail.status).toBe(422);
    expect(errorCode(byEmail)).toBe("party_has_no_email");
    const bySms = await call(server, "POST", `/v1/cases/${caseId}/invites`, {
      token,
      body: { partyId: noMobile.body.partyId, sendSms: true },
    });
    expect(bySms.status).toBe(422);
    expect(errorCode(bySms)).toBe("party_has_no_mobile");
  });

  it("sending marks the party sent, writes the outbox message and an invite.sent audit row", async () => {
    const party = await call(server, "POST", `/v1/cases/${caseId}/parties`, {
      token,
      body: { name: "Both", email: "both@example.com", mobile: "+447700900999" },
    });
    const sms = await call(server, "POST", `/v1/cases/${caseId}/invites`, {
      token,
      body: { partyId: party.body.partyId, sendSms: true },
    });
    expect(sms.status).toBe(201);
    expect(sms.body).toEqual({ ok: true, inviteId: expect.stringMatching(/^invite_/), channel: "sms" });
    const email = await call(server, "POST", `/v1/cases/${caseId}/invites`, {
      token,
      body: { partyId: party.body.partyId },
    });
    expect(email.body.channel).toBe("email");

    const [latest, previous] = await server.admin.outbox(server.orgId, 2);
    expect(latest).toEqual({
      messageId: expect.stringMatching(/^msg_/),
      orgId: server.orgId,
      caseId,
      partyId: party.body.partyId,
      inviteId: email.body.inviteId,
      channel: "email",
      to: "both@example.com",
      createdAt: expect.any(String),
    });
    expect(previous).toMatchObject({ channel: "sms", to: "+447700900999", inviteId: sms.body.inviteId });
    const status = await server.store.db
      .selectFrom("parties")
      .select("client_access_status")
      .where("party_id", "=", party.body.partyId)
      .executeTakeFirstOrThrow();
    expect(status.client_access_status).toBe("sent");
    const audit = await server.admin.audit(server.orgId, 1);
    expect(audit[0]).toMatchObject({ action: "invite.sent", targetId: email.body.inviteId, caseId });
  });
});

describe("firm isolation", () => {
  it("another firm's case or party is 404 on every path, exactly like an unknown or malformed id", async () => {
    const mine = await createCase("MAT-MINE", [{ name: "Mine", email: "m@example.com" }]);
    const caseId = mine.body.caseId;
    const partyId = mine.body.parties[0].partyId;
    const theirs = await createCase("MAT-THEIRS", [], otherToken);

    const addParty = (id: string, as: string) =>
      call(server, "POST", `/v1/cases/${id}/parties`, { token: as, body: { name: "X" } });
    const invite = (id: string, party: string, as: string) =>
      call(server, "POST", `/v1/cases/${id}/invites`, { token: as, body: { partyId: party } });

    for (const reply of [
      await addParty(caseId, otherToken),
      await invite(caseId, partyId, otherToken),
      await addParty("case_00000000000000000000000000000000", token),
      await addParty("not-even-an-id", token),
      await invite("'; drop table cases; --", partyId, token),
    ]) {
      expect(reply.status).toBe(404);
      expect(errorCode(reply)).toBe("case_not_found");
    }
    // Their own case with my party, and a party of another case of mine: party_not_found.
    const crossParty = await invite(theirs.body.caseId, partyId, otherToken);
    expect(crossParty.status).toBe(404);
    expect(errorCode(crossParty)).toBe("party_not_found");
    const otherCase = await createCase("MAT-MINE-2");
    const wrongCase = await invite(otherCase.body.caseId, partyId, token);
    expect(errorCode(wrongCase)).toBe("party_not_found");

    // The list shows only the caller's own cases.
    const theirList = await call(server, "GET", "/v1/microapps/api/cases/ids", { token: otherToken });
    expect(theirList.body.items).not.toContain(caseId);
    expect(theirList.body.items).toContain(theirs.body.caseId);
    expect(otherOrgId).not.toBe(server.orgId);
  });

  it("an id longer than the schema allows is 400 invalid_request", async () => {
    const reply = await call(server, "POST", `/v1/cases/case_${"a".repeat(80)}/parties`, {
      token,
      body: { name: "X" },
    });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("invalid_request");
  });
});
