// Performance shortcut around Kysely's executor.
//
// Kysely builds and compiles a query's SQL on every call: for the bearer check's join, which every authenticated
// request runs, that was 15 µs a call against 5 µs with the SQL compiled once. A prepared query compiles its SQL
// once per dialect, with stand-ins where the arguments go, and then runs it with each call's arguments. Measured
// in commit e5f9504: listCaseIds 1,257-1,275 -> 1,384-1,443 req/s (A/B runs).
//
// Inside a SQLite write transaction it also skips Kysely's executor, whose promise chain per query cost more than
// the statement: the transaction holds the one connection (Kysely's SQLite driver lends it to one caller at a
// time), so the statement runs on it directly and synchronously, within that transaction. Outside a transaction
// it goes through Kysely, which keeps it from reading another request's transaction in progress. Measured in
// commit 8725221: createCase 809-851 -> 735-764 µs CPU per request, 1,238-1,305 -> 1,370-1,429 req/s (A/B runs).
//
// Pinned by test/server/store.test.ts ("prepared statements in a write transaction": every row shape, reads of the
// transaction's own rows, roll-back; on PostgreSQL too when DATABASE_URL is set), and through the API by the
// first and later pages of test/server/lists.test.ts and every authenticated request's bearer check.
import type { Compilable, CompiledQuery, DialectAdapter, Insertable, SqliteDatabase } from "kysely";
import type { Queryable } from "./handles.ts";
import type { Database } from "./schema.ts";

/** Stands in for the n-th argument while the query is compiled. */
class Argument {
  constructor(readonly index: number) {}
}

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** For each of the query's parameters: the argument it takes, or undefined for a value fixed by the query. */
  argumentIndexes: (number | undefined)[];
}

/** Each SQLite store's connection (its statement cache, sqlite-statements.ts), by the adapter its Kysely instance and transactions share. */
const sqliteConnections = new WeakMap<DialectAdapter, SqliteDatabase>();

export function registerSqliteConnection(db: Queryable, connection: SqliteDatabase): void {
  sqliteConnections.set(db.getExecutor().adapter, connection);
}

interface PreparedResult<Row> {
  rows: Row[];
  /** Rows an insert, update or delete changed. */
  changed: number;
}

/**
 * `build` must use its arguments only as values (in where, values, limit...), never to decide the query's
 * shape: it runs once, with stand-ins. A query whose shape varies is one prepared query per shape.
 */
export function preparedStatement<Args extends unknown[], Row>(
  build: (db: Queryable, ...args: Args) => Compilable<Row>,
): (db: Queryable, ...args: Args) => Promise<PreparedResult<Row>> {
  // Transactions are new objects each time; the adapter is the dialect's, shared by the instance and its transactions.
  const compiledFor = new WeakMap<DialectAdapter, Compiled<Row>>();
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let compiled = compiledFor.get(adapter);
    if (!compiled) {
      const query = build(db, ...(args.map((_, i) => new Argument(i)) as Args)).compile();
      compiled = { query, argumentIndexes: query.parameters.map((p) => (p instanceof Argument ? p.index : undefined)) };
      compiledFor.set(adapter, compiled);
    }
    const { query, argumentIndexes } = compiled;
    const parameters = argumentIndexes.map((index, i) => (index === undefined ? query.parameters[i] : args[index]));
    const sqlite = db.isTransaction ? sqliteConnections.get(adapter) : undefined;
    if (sqlite) {
      const statement = sqlite.prepare(query.sql);
      if (statement.reader) return { rows: statement.all(parameters) as Row[], changed: 0 };
      return { rows: [], changed: Number(statement.run(parameters).changes) };
    }
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return { rows: result.rows, changed: Number(result.numAffectedRows ?? 0) };
  };
}

/** A prepared query that returns its rows (see preparedStatement). */
export function preparedQuery<Args extends unknown[], Row>(
  build: (db: Queryable, ...args: Args) => Compilable<Row>,
): (db: Queryable, ...args: Args) => Promise<Row[]> {
  const run = preparedStatement(build);
  return async (db, ...args) => (await run(db, ...args)).rows;
}

/**
 * A prepared insert into `table`: one prepared query per shape (row count and columns, taken from the first row).
 * Every row gives every column (null for none), so the rows of one call all have the first row's columns.
 */
export function preparedInsert<T extends keyof Database & string>(table: T) {
  const byShape = new Map<string, (db: Queryable, ...values: unknown[]) => Promise<unknown[]>>();
  return async (db: Queryable, rows: Required<Insertable<Database[T]>>[]): Promise<void> => {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]) as (keyof (typeof rows)[number])[];
    const shape = `${rows.length}:${columns.join(",")}`;
    let insert = byShape.get(shape);
    if (!insert) {
      const count = rows.length;
      insert = preparedQuery((db, ...values: unknown[]) =>
        db
          .insertInto(table)
          .values(
            Array.from({ length: count }, (_, r) =>
              Object.fromEntries(columns.map((column, c) => [column, values[r * columns.length + c]])),
            ) as never,
          ),
      );
      byShape.set(shape, insert);
    }
    await insert(db, ...rows.flatMap((row) => columns.map((column) => row[column])));
  };
}
