// Counters of failed token exchanges (invalid_client), kept in the store so that several server processes
// share one count. Each attempt reserves its failure before the secret is checked (see auth/failure-limits.ts).
import { LOCK_SPACES, lockForTransaction, type DialectName } from "./dialect.ts";
import type { Queryable, Trx } from "./handles.ts";
import { preparedQuery } from "./prepared-query.ts";

export interface FailureCounts {
  /** Failures from this address for this clientId within the window. */
  forClient: number;
  /** Failures from this address for any clientId within the window. */
  forAddress: number;
  /** Unix ms of the oldest failure counted for the client / for the address (null when none). */
  oldestForClient: number | null;
  oldestForAddress: number | null;
}

// Every token exchange reads both counts (one query, prepared): the address's failures in the window, and those
// of them for this clientId.
const failuresSince = preparedQuery((db, address: string, clientId: string, since: number) =>
  db
    .selectFrom("token_failures")
    .select((eb) => {
      const forClient = eb.case().when("client_id", "=", clientId).then(eb.ref("failed_at")).end();
      return [
        eb.fn.countAll<number>().as("for_address"),
        eb.fn.min("failed_at").as("oldest_for_address"),
        eb.fn.count<number>(forClient).as("for_client"),
        eb.fn.min(forClient).as("oldest_for_client"),
      ];
    })
    .where("address", "=", address)
    .where("failed_at", ">", since),
);

/** Makes the count-then-record of one address a single step across processes, until the transaction ends. */
export async function lockFailuresOf(trx: Trx, dialect: DialectName, address: string): Promise<void> {
  await lockForTransaction(trx, dialect, LOCK_SPACES.tokenFailures, address);
}

/** Read after lockFailuresOf, in the same transaction, so that no concurrent attempt records before this one. */
export async function countFailures(
  trx: Trx,
  address: string,
  clientId: string,
  since: number,
): Promise<FailureCounts> {
  const [counts] = await failuresSince(trx, address, clientId, since);
  return {
    forClient: Number(counts.for_client),
    forAddress: Number(counts.for_address),
    oldestForClient: counts.oldest_for_client === null ? null : Number(counts.oldest_for_client),
    oldestForAddress: counts.oldest_for_address === null ? null : Number(counts.oldest_for_address),
  };
}

/** Records one failure; returns its id, so that a reservation can be given back (forgetFailure). */
export async function recordFailure(trx: Trx, address: string, clientId: string, at: number): Promise<number> {
  const { id } = await trx
    .insertInto("token_failures")
    .values({ address, client_id: clientId, failed_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(id);
}

/** Takes back a failure recorded for an attempt whose credentials turned out right. */
export async function forgetFailure(db: Queryable, id: number): Promise<void> {
  await db.deleteFrom("token_failures").where("id", "=", id).execute();
}

/** Forgets failures older than the window, so the table stays small. */
export async function purgeFailuresBefore(db: Queryable, before: number): Promise<void> {
  await db.deleteFrom("token_failures").where("failed_at", "<=", before).execute();
}

/**
 * Forgets the failures counted against a clientId (from every address) and, given an address source, every
 * failure from it: an operator's unlock. Returns how many failures were forgotten.
 */
export async function clearFailures(db: Queryable, clientId: string, addressSource?: string): Promise<number> {
  const result = await db
    .deleteFrom("token_failures")
    .where((eb) =>
      addressSource === undefined
        ? eb("client_id", "=", clientId)
        : eb.or([eb("client_id", "=", clientId), eb("address", "=", addressSource)]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
