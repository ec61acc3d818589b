// Idempotency-Key records, shared by every process on the store. A key is claimed in its own short transaction
// before the work (so a concurrent retry sees it "running" and is told 409), completed with the reply in the
// work's own transaction (so the change and its reply commit together), and released if the work fails.
// A holder that died keeps the key only until locked_until; then a retry takes it over. Every step is a
// conditional write on the primary key, so it holds across processes without any lock beyond the row's.
import type { Queryable, Trx } from "./handles.ts";

export interface KeyScope {
  appId: string;
  method: string;
  /** The operation's path template with its decoded parameters, encoded one way: "/v1/cases/case_1/parties". */
  path: string;
  key: string;
}

export interface StoredReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export type Claim =
  | { outcome: "claimed"; owner: string }
  | { outcome: "replay"; reply: StoredReply }
  /** The key is held by a request that is still running. */
  | { outcome: "in_use" }
  /** The key was used with another request body. */
  | { outcome: "reused" };

export interface ClaimRequest {
  requestHash: string;
  owner: string;
  now: number;
  lockMs: number;
  /** Records created at or before this are expired: treated as absent. */
  expiredBefore: number;
}

/** The primary key's columns, as a filter. */
function scopeColumns(scope: KeyScope) {
  return { app_id: scope.appId, method: scope.method, path: scope.path, idempotency_key: scope.key };
}

/**
 * Claims the key for this request, or says why not. Run it in a transaction of its own, committed before the
 * work starts. Each conditional write says whether it won, so a race with another process ends in a re-read.
 */
export async function claimKey(trx: Trx, scope: KeyScope, request: ClaimRequest): Promise<Claim> {
  const held = { request_hash: request.requestHash, owner: request.owner, locked_until: request.now + request.lockMs };
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await trx
      .insertInto("idempotency_keys")
      .values({
        ...scopeColumns(scope),
        ...held,
        response_status: null,
        response_headers: null,
        response_body: null,
        created_at: request.now,
      })
      .onConflict((oc) => oc.columns(["app_id", "method", "path", "idempotency_key"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { outcome: "claimed", owner: request.owner };

    const row = await trx
      .selectFrom("idempotency_keys")
      .selectAll()
      .where((eb) => eb.and(scopeColumns(scope)))
      .executeTakeFirst();
    if (!row) continue; // released in between: try the insert again

    const expired = Number(row.created_at) <= request.expiredBefore;
    const abandoned = row.response_status === null && Number(row.locked_until) <= request.now;
    if (expired || abandoned) {
      // Take it over, unless someone else changed it since it was read.
      const taken = await trx
        .updateTable("idempotency_keys")
        .set({ ...held, response_status: null, response_headers: null, response_body: null, created_at: request.now })
        .where((eb) => eb.and(scopeColumns(scope)))
        .where("created_at", "=", row.created_at)
        .where("locked_until", "=", row.locked_until)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return { outcome: "claimed", owner: request.owner };
      continue;
    }
    if (row.request_hash !== request.requestHash) return { outcome: "reused" };
    if (row.response_status === null) return { outcome: "in_use" };
    return {
      outcome: "replay",
      reply: {
        status: row.response_status,
        headers: JSON.parse(row.response_headers ?? "{}"),
        body: JSON.parse(row.response_body ?? "null"),
      },
    };
  }
  return { outcome: "in_use" };
}

/**
 * Stores the reply on the key this request holds; run it in the work's transaction. False when the request no
 * longer holds the key (it ran past its lock and a retry took over): the caller must roll the work back.
 */
export async function completeKey(trx: Trx, scope: KeyScope, owner: string, reply: StoredReply): Promise<boolean> {
  const result = await trx
    .updateTable("idempotency_keys")
    .set({
      owner: null,
      response_status: reply.status,
      response_headers: JSON.stringify(reply.headers ?? {}),
      response_body: JSON.stringify(reply.body),
    })
    .where((eb) => eb.and(scopeColumns(scope)))
    .where("owner", "=", owner)
    .where("response_status", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Frees the key after the work failed (nothing was changed), so that a retry runs it again. */
export async function releaseKey(db: Queryable, scope: KeyScope, owner: string): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where((eb) => eb.and(scopeColumns(scope)))
    .where("owner", "=", owner)
    .where("response_status", "is", null)
    .execute();
}

/** Forgets keys first used at or before `before` (24 hours ago). */
export async function purgeKeysBefore(db: Queryable, before: number): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("created_at", "<=", before).execute();
}
