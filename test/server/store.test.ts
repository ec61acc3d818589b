// The store: one factory, migrations on open, WAL and synchronous settings, BEGIN IMMEDIATE across
// connections, first-key creation without a race, and the health check. With DATABASE_URL set each store is a
// throwaway PostgreSQL database and the SQLite-only tests skip (test/postgres/ has their PostgreSQL twins).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { SigningKeys } from "../../server-stub/auth/signing-keys.ts";
import { ensureDemoIntegration } from "../../server-stub/demo.ts";
import { insertAuditEntries } from "../../server-stub/store/audit.ts";
import { countParties, insertCase, insertParties, lockCase } from "../../server-stub/store/cases.ts";
import { openStore, type Store, type StoreOptions } from "../../server-stub/store/database.ts";
import { newId } from "../../server-stub/store/ids.ts";
import { migrations as migrationProvider } from "../../server-stub/store/migrations.ts";
import { repoRoot } from "../../server-stub/repo-files.ts";
import { spawnUntilReady } from "../support/processes.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";
import { call, errorCode, onPostgres, sqliteOnly, startTestServer } from "./harness.ts";

const throwaways: ThrowawayStore[] = [];
const stores: Store[] = [];
const optionsOf = new Map<Store, StoreOptions>();
/** Opens a new throwaway store, or again the one `at` names. */
async function open(at?: StoreOptions, synchronous?: "NORMAL" | "FULL"): Promise<Store> {
  let options = at;
  if (!options) {
    const throwaway = await createThrowawayStore(process.env.DATABASE_URL);
    throwaways.push(throwaway);
    options =
      "dataDir" in throwaway.options ? { ...throwaway.options, synchronous, busyTimeoutMs: 5000 } : throwaway.options;
  }
  const store = await openStore(options);
  stores.push(store);
  optionsOf.set(store, options);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const throwaway of throwaways.splice(0)) await throwaway.dispose();
});

async function pragma(store: Store, name: string): Promise<unknown> {
  const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db);
  return Object.values(rows[0])[0];
}

describe("store", () => {
  it("opens a brand-new DATA_DIR with every migration applied, and reopening applies nothing twice", async () => {
    const store = await open();
    const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    const expected = Object.keys(await migrationProvider.getMigrations());
    expect(expected[0]).toBe("0001_initial");
    expect(migrations.rows.map((r) => r.name)).toEqual(expected);
    const again = await open(optionsOf.get(store));
    expect((await sql`select name from kysely_migration`.execute(again.db)).rows).toHaveLength(expected.length);
  });

  it.skipIf(onPostgres)(
    sqliteOnly("uses WAL, synchronous NORMAL by default and FULL when asked, with a busy timeout", "SQLite pragmas"),
    async () => {
      const normal = await open();
      expect(await pragma(normal, "journal_mode")).toBe("wal");
      expect(await pragma(normal, "synchronous")).toBe(1);
      expect(await pragma(normal, "busy_timeout")).toBe(5000);
      const full = await open(undefined, "FULL");
      expect(await pragma(full, "synchronous")).toBe(2);
    },
  );

  it.skipIf(onPostgres)(
    sqliteOnly(
      "a write racing another process's write waits on the busy timeout instead of failing (BEGIN IMMEDIATE)",
      "SQLite file locks; test/postgres/ races serialisable writes",
    ),
    async () => {
      const store = await open();
      // Another process (as the admin CLI would be) holds the write lock for 400 ms, with a row of its own written.
      const holder = await spawnUntilReady(
        process.execPath,
        [
          "-e",
          `const db = new (require("better-sqlite3"))(process.argv[1]);
         db.exec("begin immediate");
         db.exec("insert into firms (org_id, name, scopes, created_at) values ('org_holder', 'Holder', '[]', '')");
         process.stdout.write("locked\\n");
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
         db.exec("commit");`,
          store.location,
        ],
        { name: "the lock holder", ready: /^locked$/, cwd: repoRoot },
      );
      // A read then a write in one transaction: with a plain BEGIN the read would not take the lock and the
      // write would fail with SQLITE_BUSY at once instead of waiting.
      const seen = await store.write(async (trx) => {
        const firms = await trx.selectFrom("firms").selectAll().execute();
        await trx
          .insertInto("firms")
          .values({ org_id: "org_waited", name: "Waited", scopes: "[]", created_at: "" })
          .execute();
        return firms.map((f) => f.org_id);
      });
      // It began after the holder committed: it waited for the lock (what it waited is not timed).
      expect(seen).toContain("org_holder");
      expect(
        await store.db.selectFrom("firms").select("org_id").where("org_id", "=", "org_waited").execute(),
      ).toHaveLength(1);
      await holder.exited;
    },
  );

  it("prepared statements in a write transaction: every row shape is written, reads see the transaction's own rows, and an error takes back all of it", async () => {
    const store = await open();
    const demo = await ensureDemoIntegration(store);
    const now = new Date();
    const audit = (caseId: string, action: "case.created" | "party.added", targetId: string) => ({
      orgId: demo.orgId,
      caseId,
      actor: { appId: demo.appId, identifier: "store-test" },
      action,
      targetId,
      requestId: "req-store-test",
    });
    const caseId = await store.write(async (trx) => {
      const id = await insertCase(trx, { orgId: demo.orgId, matterRef: "PREPARED-1", createdByAppId: demo.appId }, now);
      const parties = await insertParties(
        trx,
        demo.orgId,
        id,
        [{ name: "A" }, { name: "B", email: "b@example.com" }, { name: "C", role: "Seller" }],
        now,
      );
      await insertAuditEntries(
        trx,
        [audit(id, "case.created", id), ...parties.map((p) => audit(id, "party.added", p.partyId))],
        now,
      );
      expect(await countParties(trx, id)).toBe(3);
      expect(await lockCase(trx, demo.orgId, id)).toBe(true);
      expect(await lockCase(trx, "org_another", id)).toBe(false);
      return id;
    });
    const count = async (table: "cases" | "parties" | "audit") =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("org_id", "=", demo.orgId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { cases: await count("cases"), parties: await count("parties"), audit: await count("audit") };
    expect(before).toEqual({ cases: 1, parties: 3, audit: 4 });
    const names = await store.db
      .selectFrom("parties")
      .select(["name", "email", "role"])
      .where("case_id", "=", caseId)
      .orderBy("party_id")
      .execute();
    expect(names).toEqual([
      { name: "A", email: null, role: null },
      { name: "B", email: "b@example.com", role: null },
      { name: "C", email: null, role: "Seller" },
    ]);

    // A handler's error after its writes: none of them stays.
    await expect(
      store.write(async (trx) => {
        const id = await insertCase(
          trx,
          { orgId: demo.orgId, matterRef: "PREPARED-2", createdByAppId: demo.appId },
          now,
        );
        const [party] = await insertParties(trx, demo.orgId, id, [{ name: "D" }], now);
        await insertAuditEntries(trx, [audit(id, "party.added", party.partyId)], now);
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    // A unique violation after a first insert: the first is taken back too, and the error is the store's own.
    await expect(
      store.write(async (trx) => {
        await insertCase(trx, { orgId: demo.orgId, matterRef: "PREPARED-3", createdByAppId: demo.appId }, now);
        await insertCase(trx, { orgId: demo.orgId, matterRef: "PREPARED-1", createdByAppId: demo.appId }, now);
      }),
    ).rejects.toMatchObject({ name: "UniqueViolation", constraint: "cases_org_matter_ref_unique" });
    expect({ cases: await count("cases"), parties: await count("parties"), audit: await count("audit") }).toEqual(
      before,
    );
  });

  it("ids carry their type prefix and sort by creation time", async () => {
    const ids = Array.from({ length: 200 }, () => newId("case"));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^case_[0-9a-f]{32}$/);
  });

  it("the first signing key is created once even when several openers race for it", async () => {
    const first = await open();
    const at = optionsOf.get(first);
    const others = await Promise.all([open(at), open(at), open(at)]);
    const kids = await Promise.all([first, ...others].map((s) => new SigningKeys(s).current().then((k) => k.kid)));
    expect(new Set(kids).size).toBe(1);
    const rows = await first.db.selectFrom("signing_keys").select("generation").execute();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.filter((r) => r.generation === 1)).toHaveLength(1);
  });

  it.skipIf(onPostgres)(
    sqliteOnly(
      "keeps only a SHA-256 hash of client secrets: the secret is nowhere in the database files",
      "a scan of DATA_DIR's files; test/postgres/ scans every table's rows",
    ),
    async () => {
      const server = await startTestServer();
      try {
        const row = await server.store.db
          .selectFrom("integrations")
          .select("secret_hash")
          .where("app_id", "=", server.clientId)
          .executeTakeFirstOrThrow();
        expect(row.secret_hash).toBe(createHash("sha256").update(server.clientSecret).digest("hex"));
        const dataDir = server.dataDir!;
        const files = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)).toString("latin1"));
        expect(files.length).toBeGreaterThan(0);
        for (const content of files) expect(content).not.toContain(server.clientSecret);
      } finally {
        await server.close();
      }
    },
  );

  it("GET /healthz is 200 while the store answers and 503 unavailable when it does not", async () => {
    const server = await startTestServer();
    try {
      expect((await call(server, "GET", "/healthz")).status).toBe(200);
      await server.store.close();
      const down = await call(server, "GET", "/healthz");
      expect(down.status).toBe(503);
      expect(errorCode(down)).toBe("unavailable");
    } finally {
      await server.close();
    }
  });
});
