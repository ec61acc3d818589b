// The one store factory: server, admin CLI, demo seeding and tests all open the store here.
// SQLite (better-sqlite3, a file in DATA_DIR) by default, PostgreSQL (pg) when a database URL is given; both
// behind Kysely, so every query and migration is written once. What differs between them is in dialect.ts.
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Migrator, sql } from "kysely";
import { mapConstraintError } from "./constraint-errors.ts";
import { secureDataDir } from "./file-modes.ts";
import { connectPostgres, connectSqlite, isRetryableConflict, type Connection, type DialectName } from "./dialect.ts";
import type { Queryable, Trx } from "./handles.ts";
import { migrations } from "./migrations.ts";
import type { Database } from "./schema.ts";

export interface SqliteStoreOptions {
  dataDir: string;
  /** NORMAL: an acknowledged write survives a process crash; FULL: it survives power loss too. */
  synchronous?: "NORMAL" | "FULL";
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  databaseUrl: string;
  /** Connections this process keeps open at most. */
  poolSize?: number;
}

export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions;

export interface Store {
  readonly db: Queryable;
  readonly dialect: DialectName;
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** The paths whose modes opening the store tightened (a SQLite store made open to others; see file-modes.ts). */
  readonly tightened: readonly string[];
  /**
   * Runs fn in one write transaction; unique violations become domain errors. SQLite runs one write at a time;
   * PostgreSQL runs them in parallel (READ COMMITTED), so a read that decides a write must lock the row it
   * depends on first, or the write must be conditional or guarded by a constraint. A transaction that lost a
   * deadlock is run again, so fn must only change the database (no effects outside it).
   */
  write<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const DATABASE_FILE = "verify-client.db";
export const DEFAULT_POOL_SIZE = 10;
/** Attempts of one write on PostgreSQL before a deadlock is given up (as a 500). */
const WRITE_ATTEMPTS = 20;

export function isPostgresOptions(options: StoreOptions): options is PostgresStoreOptions {
  return "databaseUrl" in options && typeof options.databaseUrl === "string";
}

function connect(options: StoreOptions): Connection & { tightened: string[] } {
  if (isPostgresOptions(options))
    return {
      ...connectPostgres(options.databaseUrl, { poolSize: options.poolSize ?? DEFAULT_POOL_SIZE }),
      tightened: [],
    };
  const file = join(options.dataDir, DATABASE_FILE);
  const tightened = secureDataDir(options.dataDir, file);
  const connection = connectSqlite(file, {
    synchronous: options.synchronous === "FULL" ? "FULL" : "NORMAL",
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
  });
  return { ...connection, tightened };
}

/** Opens the store and brings it to the latest schema; a SQLite store's modes are tightened (StoreModeError if they cannot be). */
export async function openStore(options: StoreOptions): Promise<Store> {
  const connection = connect(options);
  const { db } = connection;

  const { error } = await new Migrator({ db, provider: migrations }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw error;
  }

  let closed = false;
  return {
    db,
    dialect: connection.dialect,
    location: connection.location,
    tightened: connection.tightened,
    async write(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await connection.writeTransaction().execute(fn);
        } catch (e) {
          if (attempt < WRITE_ATTEMPTS && isRetryableConflict(e)) {
            // Spread the retries of transactions that collided, so they do not collide again (full jitter,
            // exponential up to 50 ms: about 0.8 s in all before giving up).
            await delay(Math.random() * Math.min(50, 2 ** attempt));
            continue;
          }
          throw mapConstraintError(e);
        }
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

/**
 * After a bulk load: PostgreSQL's planner still believes the table is small until autovacuum analyzes it, and
 * meanwhile plans a page as "every row of the firm, then sort" instead of an index range scan. SQLite needs none.
 */
export async function refreshStatistics(store: Store, table: keyof Database & string): Promise<void> {
  if (store.dialect === "postgres") await sql`analyze ${sql.table(table)}`.execute(store.db);
}
