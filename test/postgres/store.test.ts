// The PostgreSQL store itself (runs only with DATABASE_URL, e.g. from scripts/pg-test-server): the schema every
// migration leaves behind is byte-ordered and 64-bit like SQLite's, pages are index range scans, concurrent
// writes that lock what they read lose nothing, several processes can migrate a new database at once, and
// secrets are stored only as hashes. These are the PostgreSQL twins of test/server/store.test.ts's SQLite-only checks.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { FirmAdmin } from "../../server-stub/admin/firm-admin.ts";
import { caseIdsPageQuery } from "../../server-stub/store/cases.ts";
import { openStore, type Store } from "../../server-stub/store/database.ts";
import { migrations } from "../../server-stub/store/migrations.ts";
import { getSetting, setSetting } from "../../server-stub/store/settings.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";
import { startTestServer } from "../server/harness.ts";
import { postgresOnly } from "./postgres.ts";

const throwaways: ThrowawayStore[] = [];
const stores: Store[] = [];
async function freshDatabase(): Promise<ThrowawayStore> {
  const throwaway = await createThrowawayStore(process.env.DATABASE_URL);
  throwaways.push(throwaway);
  return throwaway;
}
async function open(at: ThrowawayStore, poolSize?: number): Promise<Store> {
  const store = await openStore({ ...at.options, poolSize });
  stores.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const throwaway of throwaways.splice(0)) await throwaway.dispose();
});

describe.skipIf(!process.env.DATABASE_URL)(postgresOnly("the PostgreSQL store"), () => {
  it('after every migration, text columns compare byte by byte (COLLATE "C") and integers are 64-bit, as on SQLite', async () => {
    const store = await open(await freshDatabase());
    const columns = await sql<{
      table_name: string;
      column_name: string;
      data_type: string;
      collation_name: string | null;
    }>`
      select table_name, column_name, data_type, collation_name from information_schema.columns
      where table_schema = 'public' and table_name not like 'kysely_%'`.execute(store.db);
    expect(columns.rows.length).toBeGreaterThan(50);
    const off = columns.rows.filter(
      (c) =>
        (c.data_type === "text" && c.collation_name !== "C") || c.data_type === "integer" || c.data_type === "boolean",
    );
    expect(off, "columns created without the PostgreSQL mapping of dialect.ts").toEqual([]);
  });

  it("ids sort the same as SQLite's byte order, whatever the database's own collation", async () => {
    const store = await open(await freshDatabase());
    const ids = ["org_b", "org_B", "org__", "org_0", "org_a", "org_Z", "org_é", "org_-"];
    await store.write((trx) =>
      trx
        .insertInto("firms")
        .values(ids.map((org_id) => ({ org_id, name: "Sort", scopes: "[]", created_at: "" })))
        .execute(),
    );
    const sorted = await store.db.selectFrom("firms").select("org_id").orderBy("org_id").execute();
    const bytewise = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(sorted.map((r) => r.org_id)).toEqual(bytewise);
  });

  it("64-bit columns and counts read back as numbers", async () => {
    const store = await open(await freshDatabase());
    await store.write((trx) =>
      trx
        .insertInto("token_failures")
        .values({ address: "192.0.2.1", client_id: "c", failed_at: 1_790_000_000_123 })
        .execute(),
    );
    const row = await store.db.selectFrom("token_failures").select(["id", "failed_at"]).executeTakeFirstOrThrow();
    const count = await store.db
      .selectFrom("token_failures")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ id: 1, failed_at: 1_790_000_000_123 });
    expect(count.n).toBe(1);
  });

  it("several processes opening a brand-new database at once migrate it once", async () => {
    const fresh = await freshDatabase();
    const opened = await Promise.all([open(fresh, 2), open(fresh, 2), open(fresh, 2), open(fresh, 2)]);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(opened[0].db);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(await migrations.getMigrations()).sort());
  });

  it("concurrent writes run in parallel at READ COMMITTED; a read-modify-write that locks its row first loses no update", async () => {
    const fresh = await freshDatabase();
    // Two pools, as two server processes would have.
    const [one, two] = [await open(fresh, 5), await open(fresh, 5)];
    await setSetting(one.db, "counter", "0");
    const increment = (store: Store) =>
      store.write(async (trx) => {
        // The pattern the store's queries use (cases.ts lockCase): lock the row, then read it.
        await trx
          .updateTable("settings")
          .set((eb) => ({ value: eb.ref("value") }))
          .where("name", "=", "counter")
          .execute();
        const value = Number(await getSetting(trx, "counter"));
        await new Promise((resolve) => setTimeout(resolve, 2));
        await setSetting(trx, "counter", String(value + 1));
      });
    await Promise.all(Array.from({ length: 30 }, (_, i) => increment(i % 2 ? one : two)));
    expect(await getSetting(one.db, "counter")).toBe("30");
    const isolation = await one.write((trx) =>
      sql<{ transaction_isolation: string }>`show transaction_isolation`.execute(trx),
    );
    expect(isolation.rows[0].transaction_isolation).toBe("read committed");
  });

  it("a page is an index range scan with no sort, even right after a bulk load, so its cost does not grow with the table", async () => {
    const store = await open(await freshDatabase());
    const admin = new FirmAdmin(store);
    // Ten firms of 1,000 cases each, as a shared table is: the page is one firm's.
    const firms = [];
    for (let i = 0; i < 10; i++) {
      const firm = await admin.createFirm({ name: `Plan LLP ${i}` });
      await admin.seedCases(firm.orgId, 1000);
      firms.push(firm);
    }
    // No ANALYZE here: seed-cases refreshes the statistics itself, or the planner would sort the whole firm.
    const firm = firms[5];
    const page = caseIdsPageQuery(store.db, firm.orgId, "case_0", 201).compile();
    // EXPLAIN takes no parameters (before PostgreSQL 16): the values go in as literals.
    const literal = (value: unknown) =>
      typeof value === "number" ? String(value) : `'${String(value).replaceAll("'", "''")}'`;
    const bound = page.sql.replace(/\$(\d+)/g, (_, n) => literal(page.parameters[Number(n) - 1]));
    const explained = await sql.raw<{ "QUERY PLAN": string }>(`explain ${bound}`).execute(store.db);
    const text = explained.rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/Index (Only )?Scan using cases_org_case on cases/);
    expect(text).toMatch(/Index Cond: \(\(org_id = .+\) AND \(case_id > .+\)\)/);
    expect(text).not.toMatch(/Sort|Seq Scan|Bitmap/);
  });

  it("keeps only a SHA-256 hash of client secrets: the secret is in no row of any table", async () => {
    const server = await startTestServer();
    try {
      const row = await server.store.db
        .selectFrom("integrations")
        .select("secret_hash")
        .where("app_id", "=", server.clientId)
        .executeTakeFirstOrThrow();
      expect(row.secret_hash).toBe(createHash("sha256").update(server.clientSecret).digest("hex"));
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public'`.execute(server.store.db);
      expect(tables.rows.length).toBeGreaterThan(10);
      for (const { table_name } of tables.rows) {
        const dump = await sql
          .raw<{ row: string }>(`select t::text as row from "${table_name}" t`)
          .execute(server.store.db);
        for (const { row } of dump.rows) expect(row, table_name).not.toContain(server.clientSecret);
      }
    } finally {
      await server.close();
    }
  });
});
