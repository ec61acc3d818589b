// Mass assignment and firm isolation: a caller cannot set what the server decides (closed request bodies), and
// nothing of another firm (its token, cursor or ids, in any position) ever yields its data.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, errorCode, newFirm, startTestServer, tokenFor, type TestServer } from "../server/harness.ts";
import { caseBody } from "../support/request-bodies.ts";

let server: TestServer;
let ours: string;
let theirs: string;
let theirCase: { caseId: string; partyId: string };
let ourCase: { caseId: string; partyId: string };
beforeAll(async () => {
  server = await startTestServer();
  ours = await tokenFor(server, server);
  theirs = await tokenFor(server, await newFirm(server, { identifier: "their-cms" }));
  const create = async (bearer: string) => {
    const reply = await call(server, "POST", "/v1/cases", {
      token: bearer,
      body: {
        matterRef: `ISO-${randomUUID()}`,
        parties: [{ name: "Pat Party", email: "pat@example.com", mobile: "+447700900123" }],
      },
    });
    expect(reply.status).toBe(201);
    return { caseId: reply.body.caseId, partyId: reply.body.parties[0].partyId };
  };
  ourCase = await create(ours);
  theirCase = await create(theirs);
});
afterAll(() => server?.close());

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ["cases", "parties", "invites", "outbox", "audit", "idempotency_keys"] as const) {
    const row = await server.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

describe("mass assignment", () => {
  const SERVER_FIELDS = [
    "orgId",
    "caseId",
    "partyId",
    "inviteId",
    "status",
    "clientAccessStatus",
    "appId",
    "createdAt",
    "ok",
    "__proto__",
    "constructor",
  ];

  it("a field the server decides, in any request body at any depth, is 400 invalid_request naming it, and writes nothing", async () => {
    const before = await rowCounts();
    const bodies: [string, string, (field: string) => string][] = [
      ["createCase", "/v1/cases", (f) => `{"matterRef":"ISO-MASS","${f}":"x"}`],
      ["createCase parties[0]", "/v1/cases", (f) => `{"matterRef":"ISO-MASS","parties":[{"name":"A","${f}":"x"}]}`],
      [
        "createCase propertyAddress",
        "/v1/cases",
        (f) => `{"matterRef":"ISO-MASS","propertyAddress":{"line1":"a","city":"b","postcode":"c","${f}":"x"}}`,
      ],
      ["addParty", `/v1/cases/${ourCase.caseId}/parties`, (f) => `{"name":"A","${f}":"x"}`],
      ["sendInvite", `/v1/cases/${ourCase.caseId}/invites`, (f) => `{"partyId":"${ourCase.partyId}","${f}":"x"}`],
      [
        "createSystemToken",
        "/v1/microapps/system-tokens",
        (f) =>
          `{"clientId":"${server.clientId}","clientSecret":"${server.clientSecret}","scopes":["cases.create"],"${f}":"x"}`,
      ],
    ];
    for (const [where, path, body] of bodies) {
      // A field the body itself declares (sendInvite's partyId) is not one the server decides there.
      for (const field of SERVER_FIELDS.filter((f) => !body("").includes(`"${f}":`))) {
        const reply = await call(server, "POST", path, {
          token: ours,
          rawBody: body(field),
          headers: { "Content-Type": "application/json" },
        });
        expect(reply.status, `${where} ${field}`).toBe(400);
        expect(errorCode(reply)).toBe("invalid_request");
        const paths = reply.body.error.details.map((d: { path: string }) => d.path);
        expect(
          paths.some((p: string) => p.endsWith(`/${field}`)),
          `${where} ${field}: ${JSON.stringify(paths)}`,
        ).toBe(true);
      }
    }
    expect(await rowCounts()).toEqual(before);
    // Nothing leaked onto the prototype of anything either.
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("firm isolation", () => {
  it("another firm's case id in the path is 404 case_not_found on every operation, exactly like an unknown one", async () => {
    for (const [path, body] of [
      [`/v1/cases/${theirCase.caseId}/parties`, { name: "Intruder" }],
      [`/v1/cases/${theirCase.caseId}/invites`, { partyId: theirCase.partyId }],
      [`/api/v1/cases/${theirCase.caseId}/invites`, { partyId: theirCase.partyId }],
    ] as const) {
      const foreign = await call(server, "POST", path, { token: ours, body });
      const unknown = await call(
        server,
        "POST",
        path.replace(theirCase.caseId, `case_${randomUUID().replaceAll("-", "")}`),
        { token: ours, body },
      );
      expect([foreign.status, errorCode(foreign)]).toEqual([404, "case_not_found"]);
      expect({ ...foreign.body, requestId: "" }).toEqual({ ...unknown.body, requestId: "" });
    }
  });

  it("another firm's party id, or one of another of our cases, in the body is 404 party_not_found", async () => {
    const second = await call(server, "POST", "/v1/cases", {
      token: ours,
      body: { matterRef: `ISO-${randomUUID()}`, parties: [{ name: "Other", email: "o@example.com" }] },
    });
    for (const partyId of [theirCase.partyId, second.body.parties[0].partyId]) {
      const reply = await call(server, "POST", `/v1/cases/${ourCase.caseId}/invites`, {
        token: ours,
        body: { partyId },
      });
      expect([reply.status, errorCode(reply)]).toEqual([404, "party_not_found"]);
    }
    const untouched = await server.store.db
      .selectFrom("parties")
      .select("client_access_status")
      .where("party_id", "=", theirCase.partyId)
      .executeTakeFirstOrThrow();
    expect(untouched.client_access_status).toBe("not_sent");
  });

  it("a list never shows another firm's ids, and another firm's cursor, or one of another list, is 400 invalid_cursor", async () => {
    const mine = await call(server, "GET", "/v1/microapps/api/cases/ids", { token: ours });
    expect(mine.body.items).toContain(ourCase.caseId);
    expect(mine.body.items).not.toContain(theirCase.caseId);
    await call(server, "POST", "/v1/cases", { token: theirs, body: caseBody({ matterRef: `ISO-${randomUUID()}` }) });
    const theirPage = await call(server, "GET", "/v1/microapps/api/cases/ids?limit=1", { token: theirs });
    const theirCursor = theirPage.body.nextCursor as string;
    expect(theirCursor).toEqual(expect.any(String));
    for (const path of [
      `/v1/microapps/api/cases/ids?cursor=${theirCursor}`,
      `/v1/microapps/api/users?cursor=${theirCursor}`,
    ]) {
      const reply = await call(server, "GET", path, { token: ours });
      expect([reply.status, errorCode(reply)]).toEqual([400, "invalid_cursor"]);
    }
    const ourUsersPage = await call(server, "GET", "/v1/microapps/api/users?limit=1", { token: ours });
    const onCases = await call(server, "GET", `/v1/microapps/api/cases/ids?cursor=${ourUsersPage.body.nextCursor}`, {
      token: ours,
    });
    expect([onCases.status, errorCode(onCases)]).toEqual([400, "invalid_cursor"]);
  });

  it("a token acts only for its own firm: no response to it ever carries another firm's ids", async () => {
    const replies = [
      await call(server, "GET", "/v1/microapps/api/cases/ids", { token: theirs }),
      await call(server, "GET", "/v1/microapps/api/users", { token: theirs }),
      await call(server, "POST", `/v1/cases/${ourCase.caseId}/parties`, { token: theirs, body: { name: "X" } }),
      await call(server, "POST", `/v1/cases/${ourCase.caseId}/invites`, {
        token: theirs,
        body: { partyId: ourCase.partyId },
      }),
    ];
    const ourUsers = await server.store.db
      .selectFrom("users")
      .select("user_id")
      .where("org_id", "=", server.orgId)
      .execute();
    for (const reply of replies) {
      const text = JSON.stringify(reply.body);
      for (const id of [ourCase.caseId, ourCase.partyId, server.orgId, ...ourUsers.map((u) => u.user_id)])
        expect(text).not.toContain(id);
    }
  });
});
