// Free text is NFC and clean (CONTRACT.md, decisions after 1.0.0): look-alike matterRefs are refused or are the
// same matterRef; rows stored before are normalised by a migration, and look-alikes already stored are kept and
// reported by the admin.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirmAdmin } from "../../server-stub/admin/firm-admin.ts";
import { openStore } from "../../server-stub/store/database.ts";
import { createThrowawayStore } from "../support/throwaway-store.ts";
import { call, errorCode, startTestServer, tokenFor, type TestServer } from "./harness.ts";

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await tokenFor(server, server);
});
afterAll(() => server?.close());

const createCase = (body: object) => call(server, "POST", "/v1/cases", { token, body });

describe("free text", () => {
  it("look-alike characters in a matterRef are 400 invalid_request", async () => {
    const base = `LOOK-${randomUUID().slice(0, 8)}`;
    expect((await createCase({ matterRef: base })).status).toBe(201);
    for (const [name, matterRef] of [
      ["leading space", ` ${base}`],
      ["trailing space", `${base} `],
      ["whitespace only", "   "],
      ["zero-width space", `${base}\u200b`],
      ["BOM", `\ufeff${base}`],
      ["right-to-left override", `${base}\u202e`],
      ["C1 control", `${base}\u0085x`],
      ["DEL", `${base}\u007fx`],
      ["line separator", `${base}\u2028x`],
      ["paragraph separator", `${base}\u2029x`],
      ["trailing no-break space", `${base}\u00a0`],
      ["lone surrogate", `${base}\ud800x`],
    ]) {
      const reply = await createCase({ matterRef });
      expect(reply.status, name).toBe(400);
      expect(errorCode(reply), name).toBe("invalid_request");
    }
  });

  it("NFD and NFC forms are one matterRef (409), stored and echoed in NFC; the comparison is case-sensitive", async () => {
    const suffix = randomUUID().slice(0, 8);
    const nfd = `Cafe\u0301-${suffix}`;
    const created = await createCase({ matterRef: nfd, parties: [{ name: "Jose\u0301 Nun\u0303ez" }] });
    expect(created.status).toBe(201);
    expect(created.body.parties[0].name).toBe("Jos\u00e9 Nu\u00f1ez");
    const again = await createCase({ matterRef: `Caf\u00e9-${suffix}` });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe("duplicate_matter_ref");
    const stored = await server.store.db
      .selectFrom("cases")
      .select("matter_ref")
      .where("case_id", "=", created.body.caseId)
      .executeTakeFirstOrThrow();
    expect(stored.matter_ref).toBe(`Caf\u00e9-${suffix}`);
    expect((await createCase({ matterRef: `caf\u00e9-${suffix}` })).status).toBe(201);
  });

  it("a migration cleans names and roles stored by 1.0.0 that FreeText now refuses, so no answer that lists them breaks", async () => {
    const throwaway = await createThrowawayStore(process.env.DATABASE_URL);
    try {
      let store = await openStore(throwaway.options);
      const admin = new FirmAdmin(store);
      const firm = await admin.createFirm({ name: "Names before 1.1.0" });
      const user = (userId: string, name: string, role: string) => ({
        user_id: userId,
        org_id: firm.orgId,
        name,
        email: `${userId}@example.com`,
        role,
        created_at: new Date().toISOString(),
      });
      await store.db
        .insertInto("users")
        .values([
          user("user_spaced", " Ann Admin ", "admin"),
          user("user_zero_width", "Bob\u200B", " member"),
          user("user_control_only", "\u0007", "Re\u0301viewer"),
        ])
        .execute();
      await sql`delete from kysely_migration where name = ${"0005_normalise_free_text"}`.execute(store.db);
      await store.close();
      store = await openStore(throwaway.options);
      try {
        const rows = await store.db
          .selectFrom("users")
          .select(["user_id", "name", "role"])
          .where("org_id", "=", firm.orgId)
          .execute();
        const byId = Object.fromEntries(rows.map((r) => [r.user_id, [r.name, r.role]]));
        expect(byId.user_spaced).toEqual(["Ann Admin", "admin"]);
        expect(byId.user_zero_width).toEqual(["Bob", "member"]);
        expect(byId.user_control_only).toEqual(["(unnamed)", "R\u00e9viewer"]);
      } finally {
        await store.close();
      }
    } finally {
      await throwaway.dispose();
    }
  });

  it("a migration normalises stored rows to NFC; look-alikes already stored are kept and reported", async () => {
    const throwaway = await createThrowawayStore(process.env.DATABASE_URL);
    try {
      let store = await openStore(throwaway.options);
      const admin = new FirmAdmin(store);
      const firm = await admin.createFirm({ name: "Before 1.1.0" });
      const row = (caseId: string, matterRef: string) => ({
        case_id: caseId,
        org_id: firm.orgId,
        matter_ref: matterRef,
        matter_type: null,
        property_address: null,
        require_sof: 0,
        created_by_app_id: "seed",
        created_at: new Date().toISOString(),
      });
      await store.db
        .insertInto("cases")
        .values([
          row("case_alone", "Cafe\u0301"),
          row("case_nfc", "R\u00e9f"),
          row("case_nfd", "Re\u0301f"),
          row("case_plain", "REF-2"),
          row("case_spaced", "REF-2 "),
        ])
        .execute();
      // As a 1.0.0 store: the normalising migration has not run yet.
      await sql`delete from kysely_migration where name = ${"0005_normalise_free_text"}`.execute(store.db);
      await store.close();
      store = await openStore(throwaway.options);
      try {
        const refs = Object.fromEntries(
          (await store.db.selectFrom("cases").select(["case_id", "matter_ref"]).execute()).map((r) => [
            r.case_id,
            r.matter_ref,
          ]),
        );
        expect(refs.case_alone).toBe("Caf\u00e9");
        expect(refs.case_nfc).toBe("R\u00e9f");
        expect(refs.case_nfd).toBe("Re\u0301f");
        const groups = await new FirmAdmin(store).lookalikeMatterRefs(firm.orgId);
        expect(groups.map((g) => g.cases.map((c) => c.caseId).sort())).toEqual([
          ["case_nfc", "case_nfd"],
          ["case_plain", "case_spaced"],
        ]);
      } finally {
        await store.close();
      }
    } finally {
      await throwaway.dispose();
    }
  });
});
