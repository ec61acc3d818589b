// Kysely builds and compiles a query's SQL on every call: for the bearer check's join, which every authenticated
// request runs, that was 15 µs a call against 5 µs with the SQL compiled once. A prepared query compiles its SQL
// once per database handle, with stand-ins where the arguments go, and then runs it with each call's arguments.
import type { Compilable, CompiledQuery } from "kysely";
import type { Queryable } from "./database.ts";

/** Stands in for the n-th argument while the query is compiled. */
class Argument {
  constructor(readonly index: number) {}
}

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** For each of the query's parameters: the argument it takes, or undefined for a value fixed by the query. */
  argumentIndexes: (number | undefined)[];
}

/**
 * `build` must use its arguments only as values (in where, values, limit...), never to decide the query's
 * shape: it runs once, with stand-ins. A query whose shape varies is one prepared query per shape.
 */
export function preparedQuery<Args extends unknown[], Row>(
  build: (db: Queryable, ...args: Args) => Compilable<Row>,
): (db: Queryable, ...args: Args) => Promise<Row[]> {
  const compiledFor = new WeakMap<Queryable, Compiled<Row>>();
  return async (db, ...args) => {
    let compiled = compiledFor.get(db);
    if (!compiled) {
      const query = build(db, ...(args.map((_, i) => new Argument(i)) as Args)).compile();
      compiled = { query, argumentIndexes: query.parameters.map((p) => (p instanceof Argument ? p.index : undefined)) };
      compiledFor.set(db, compiled);
    }
    const { query, argumentIndexes } = compiled;
    const parameters = argumentIndexes.map((index, i) => (index === undefined ? query.parameters[i] : args[index]));
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}
