// A store nobody else uses, for tests and benchmarks: a temp DATA_DIR, or, given a PostgreSQL server, a new
// database on it. Tests running in parallel each get their own; dispose() removes it.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { StoreOptions } from "../../server-stub/store/database.ts";

export interface ThrowawayStore {
  options: StoreOptions;
  /** The environment that opens the same store in another process (npm start, the admin CLI). */
  env: { DATA_DIR: string } | { DATABASE_URL: string };
  /** The SQLite DATA_DIR; undefined on PostgreSQL. */
  dataDir?: string;
  dispose(): Promise<void>;
}

async function onServer<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh store: a new database on the PostgreSQL server at `postgresServerUrl` (its user needs CREATEDB) when
 * one is given, otherwise a temp DATA_DIR for SQLite.
 */
export async function createThrowawayStore(postgresServerUrl?: string): Promise<ThrowawayStore> {
  if (!postgresServerUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), "verify-client-"));
    return {
      options: { dataDir },
      env: { DATA_DIR: dataDir },
      dataDir,
      async dispose() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `verify_client_${randomBytes(8).toString("hex")}`;
  await onServer(postgresServerUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    options: { databaseUrl },
    env: { DATABASE_URL: databaseUrl },
    async dispose() {
      // FORCE ends connections still open (a killed server's, a pool not closed by a failed test).
      await onServer(postgresServerUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
