// Which store a configuration names. Here rather than in store/, which knows nothing of the configuration.
import type { Config } from "./config.ts";
import type { StoreOptions } from "./store/database.ts";

/** PostgreSQL when DATABASE_URL is set, otherwise SQLite in DATA_DIR. */
export function storeOptionsFrom(
  config: Pick<Config, "dataDir" | "sqliteSynchronous" | "databaseUrl" | "pgPoolSize">,
): StoreOptions {
  return config.databaseUrl
    ? { databaseUrl: config.databaseUrl, poolSize: config.pgPoolSize }
    : { dataDir: config.dataDir, synchronous: config.sqliteSynchronous };
}
