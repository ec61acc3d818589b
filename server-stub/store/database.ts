// The one store factory: server, admin CLI, demo seeding and tests all open the store here.
// SQLite through better-sqlite3 behind Kysely, so every query is written once and a PostgreSQL dialect can
// be added later without rewriting them.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, Kysely, Migrator, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Transaction } from "kysely";
import { mapConstraintError } from "./constraint-errors.ts";
import { migrations } from "./migrations.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Anything queries can run on: the store itself or an open transaction. */
export type Queryable = Kysely<Database>;

export interface StoreOptions {
  dataDir: string;
  /** NORMAL: an acknowledged write survives a process crash; FULL: it survives power loss too. */
  synchronous?: "NORMAL" | "FULL";
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

export interface Store {
  readonly db: Db;
  readonly file: string;
  /** Runs fn in one write transaction (BEGIN IMMEDIATE); unique violations become domain errors. */
  write<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const DATABASE_FILE = "verify-client.db";

// Kysely's SQLite driver begins transactions with a plain BEGIN, which takes the write lock only at the first
// write and then fails with SQLITE_BUSY if another process got there first. BEGIN IMMEDIATE takes it up front,
// so a write racing the admin CLI waits on the busy timeout instead.
class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateTransactionDialect extends SqliteDialect {
  constructor(private readonly database: BetterSqlite3.Database) {
    super({ database });
  }
  override createDriver() {
    return new ImmediateTransactionDriver({ database: this.database });
  }
}

export async function openStore(options: StoreOptions): Promise<Store> {
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, DATABASE_FILE);
  const sqlite = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? 5000 });
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new ImmediateTransactionDialect(sqlite) });

  const { error } = await new Migrator({ db, provider: migrations }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw error;
  }

  let closed = false;
  return {
    db,
    file,
    async write(fn) {
      try {
        return await db.transaction().execute(fn);
      } catch (e) {
        throw mapConstraintError(e);
      }
    },
    async ping() {
      if (closed) return false;
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
