// better-sqlite3 12 on Node.js 24.19+ aborts the process ("Assertion failed: (env) != nullptr" in
// RemoveEnvironmentCleanupHook) when one of its Statement or Database objects is garbage-collected outside a JS
// context: node::ObjectWrap's destructor now needs an Environment (WiseLibs/better-sqlite3#1515; fixed in
// better-sqlite3 13, which needs Node 22+, so not for us while Node 20 is supported).
// Kysely prepares a statement per query, so every idle GC could take a Node 24 server down. Keeping one prepared
// statement per SQL text for the connection's lifetime, and every connection object for the process's, means
// the finalizer never runs; it also spares re-preparing the same few dozen statements on every request.
import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

// Every connection and its statements, closed ones included, stay reachable from here until the process exits:
// a collected Database is an ObjectWrap finalized like a Statement. Tests open a few hundred stores at most.
const everyConnection = new Map<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  everyConnection.set(sqlite, statements);
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
