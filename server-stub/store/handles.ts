// The handles queries run on. A function that takes a row lock, or reads what one guards, asks for a `Trx`, so that
// calling it outside a transaction does not compile; any other query takes a `Queryable`.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.ts";

/** Anything queries can run on: the store's handle or an open transaction. */
export type Queryable = Kysely<Database>;

/** An open write transaction (the one `store.write` gives its function). */
export type Trx = Transaction<Database>;
