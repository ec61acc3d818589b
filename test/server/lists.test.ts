// The two lists: keyset pages ascending by id, limits, and cursors bound to the firm and the operation.
import { CompiledQuery } from "kysely";
import { caseIdsPageQuery } from "../../server-stub/store/cases.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  errorCode,
  newFirm,
  onPostgres,
  sqliteOnly,
  startTestServer,
  tokenFor,
  type TestServer,
} from "./harness.ts";
import { caseBody } from "../support/request-bodies.ts";

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await tokenFor(server, server);
  await server.admin.seedCases(server.orgId, 450);
});
afterAll(() => server?.close());

const caseIds = (query = "", as = token) => call(server, "GET", `/v1/microapps/api/cases/ids${query}`, { token: as });

describe("lists", () => {
  it("a walk returns every id exactly once, ascending, with the default page of 200 and nextCursor null at the end", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const reply = await caseIds(cursor ? `?cursor=${cursor}` : "");
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items);
      cursor = reply.body.nextCursor;
      expect(cursor === null || /^[A-Za-z0-9_-]+$/.test(cursor)).toBe(true);
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(450);
    expect(new Set(seen).size).toBe(450);
    expect([...seen].sort()).toEqual(seen);
  });

  it("ids created during a walk may appear, never twice, and nothing that existed is missed", async () => {
    const first = await caseIds("?limit=100");
    const before = new Set<string>();
    const all = await server.store.db
      .selectFrom("cases")
      .select("case_id")
      .where("org_id", "=", server.orgId)
      .execute();
    for (const r of all) before.add(r.case_id);
    const seen: string[] = [...first.body.items];
    let cursor = first.body.nextCursor;
    for (let i = 0; cursor && i < 20; i++) {
      await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef: `WALK-${i}` }) });
      const page = await caseIds(`?limit=100&cursor=${cursor}`);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  it("limit is 1..200; anything else is 400 invalid_request", async () => {
    expect((await caseIds("?limit=1")).body.items).toHaveLength(1);
    expect((await caseIds("?limit=200")).body.items).toHaveLength(200);
    for (const limit of ["0", "201", "-1", "abc", "1.5"]) {
      const reply = await caseIds(`?limit=${limit}`);
      expect(reply.status, limit).toBe(400);
      expect(errorCode(reply)).toBe("invalid_request");
    }
  });

  it("limit is a plain decimal integer: hex, exponent, plus sign and leading zeros are 400 invalid_request", async () => {
    for (const limit of ["0x1", "1e0", "%2B1", "01", "1.0"]) {
      const reply = await caseIds(`?limit=${limit}`);
      expect(reply.status, limit).toBe(400);
      expect(errorCode(reply), limit).toBe("invalid_request");
    }
  });

  it("a cursor is accepted only in its canonical encoding: changed unused low bits are 400 invalid_cursor", async () => {
    const cursor = (await caseIds("?limit=1")).body.nextCursor as string;
    // A base64url length of 2 or 3 mod 4 leaves unused low bits in the last character.
    expect(cursor.length % 4).not.toBe(0);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(cursor.at(-1) as string);
    const variant = cursor.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(variant, "base64url")).toEqual(Buffer.from(cursor, "base64url"));
    expect((await caseIds(`?cursor=${cursor}`)).status).toBe(200);
    const reply = await caseIds(`?cursor=${variant}`);
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("invalid_cursor");
  });

  it("a forged, tampered, foreign-firm or other-operation cursor is 400 invalid_cursor; an over-long one invalid_request", async () => {
    const cursor = (await caseIds("?limit=1")).body.nextCursor as string;
    const flipped = cursor.slice(0, 5) + (cursor[5] === "A" ? "B" : "A") + cursor.slice(6);
    const other = await newFirm(server);
    const otherToken = await tokenFor(server, other);
    const usersCursor = await server.admin
      .addUser({ orgId: server.orgId, name: "Third", email: "third@example.com", role: "member" })
      .then(
        async () => (await call(server, "GET", "/v1/microapps/api/users?limit=1", { token })).body.nextCursor as string,
      );
    for (const [name, reply] of [
      ["garbage", await caseIds("?cursor=garbage")],
      ["tampered", await caseIds(`?cursor=${flipped}`)],
      ["another firm", await caseIds(`?cursor=${cursor}`, otherToken)],
      ["another operation", await caseIds(`?cursor=${usersCursor}`)],
      ["not base64url", await caseIds("?cursor=%24%24%24")],
    ] as const) {
      expect(reply.status, name).toBe(400);
      expect(errorCode(reply), name).toBe("invalid_cursor");
    }
    const long = await caseIds(`?cursor=${"A".repeat(513)}`);
    expect(errorCode(long)).toBe("invalid_request");
  });

  it("users are listed ascending by userId with only the documented fields", async () => {
    const reply = await call(server, "GET", "/api/v1/microapps/api/users", { token });
    expect(reply.status).toBe(200);
    const ids = reply.body.items.map((u: { userId: string }) => u.userId);
    expect([...ids].sort()).toEqual(ids);
    for (const user of reply.body.items) expect(Object.keys(user).sort()).toEqual(["email", "name", "role", "userId"]);
  });

  it.skipIf(onPostgres)(
    sqliteOnly(
      "a page is an index range scan (keyset), so its cost does not grow with the table",
      "SQLite's query plan; test/postgres/ checks PostgreSQL's",
    ),
    async () => {
      const page = caseIdsPageQuery(server.store.db, server.orgId, "case_0", 201).compile();
      const plan = await server.store.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${page.sql}`, [...page.parameters]),
      );
      const details = plan.rows.map((r) => r.detail).join(" | ");
      expect(details).toMatch(/SEARCH cases USING (COVERING )?INDEX cases_org_case \(org_id=\? AND case_id>\?\)/);
      expect(details).not.toMatch(/TEMP B-TREE|SCAN cases/);
    },
  );
});
