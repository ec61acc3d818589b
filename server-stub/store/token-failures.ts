// Counters of failed token exchanges (invalid_client), kept in the store so that several server processes
// share one count.
import type { Queryable } from "./database.ts";

export interface FailureCounts {
  /** Failures from this address for this clientId within the window. */
  forClient: number;
  /** Failures from this address for any clientId within the window. */
  forAddress: number;
  /** Unix ms of the oldest failure counted for the client / for the address (null when none). */
  oldestForClient: number | null;
  oldestForAddress: number | null;
}

export async function countFailures(db: Queryable, address: string, clientId: string, since: number): Promise<FailureCounts> {
  const forAddress = await db
    .selectFrom("token_failures")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("failed_at").as("oldest")])
    .where("address", "=", address)
    .where("failed_at", ">", since)
    .executeTakeFirstOrThrow();
  const forClient = await db
    .selectFrom("token_failures")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("failed_at").as("oldest")])
    .where("address", "=", address)
    .where("client_id", "=", clientId)
    .where("failed_at", ">", since)
    .executeTakeFirstOrThrow();
  return {
    forClient: Number(forClient.n),
    forAddress: Number(forAddress.n),
    oldestForClient: forClient.oldest === null ? null : Number(forClient.oldest),
    oldestForAddress: forAddress.oldest === null ? null : Number(forAddress.oldest),
  };
}

export async function recordFailure(db: Queryable, address: string, clientId: string, at: number): Promise<void> {
  await db.insertInto("token_failures").values({ address, client_id: clientId, failed_at: at }).execute();
}

/** Forgets failures older than the window, so the table stays small. */
export async function purgeFailuresBefore(db: Queryable, before: number): Promise<void> {
  await db.deleteFrom("token_failures").where("failed_at", "<=", before).execute();
}
