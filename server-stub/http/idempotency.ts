// Idempotency-Key on the operations that declare it: one key, scoped to (integration, operation, decoded path
// parameters), runs its request once. A retry with the same body gets the stored reply and `Idempotent-Replayed:
// true`; another body is 422 idempotency_key_reused; a retry while the first still runs is 409 idempotency_key_in_use. Only a
// success is stored, in the same transaction as the change; a failed request changed nothing and frees its key.
import { createHash, randomUUID } from "node:crypto";
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors/api-error.ts";
import type { Store } from "../store/database.ts";
import type { Trx } from "../store/handles.ts";
import {
  claimKey,
  completeKey,
  purgeKeysBefore,
  releaseKey,
  type KeyScope,
  type StoredReply,
} from "../store/idempotency-keys.ts";

export const KEY_RETENTION_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60_000;

/** Runs a request's writes in one transaction, and returns the reply built inside it. */
export type ReplyWriter = <R extends StoredReply>(work: (trx: Trx) => Promise<R>) => Promise<R>;

/** JSON with object keys sorted, so that the same body sent with its keys in another order hashes alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export class IdempotencyKeys {
  private lastPurge = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly lockSeconds: number,
  ) {}

  /**
   * Runs `execute` once for this key: it gets a writer that stores its reply in its own transaction. Returns that
   * reply, or the stored one of an earlier run (replayed).
   */
  async run<R extends StoredReply>(
    scope: KeyScope,
    body: unknown,
    execute: (write: ReplyWriter) => Promise<R>,
  ): Promise<{ reply: R | StoredReply; replayed: boolean }> {
    const now = this.clock.now();
    const owner = randomUUID();
    const claim = await this.store.write(async (trx) => {
      if (now - this.lastPurge > PURGE_EVERY_MS) {
        this.lastPurge = now;
        await purgeKeysBefore(trx, now - KEY_RETENTION_MS);
      }
      return claimKey(trx, scope, {
        requestHash: createHash("sha256").update(canonicalJson(body)).digest("hex"),
        owner,
        now,
        lockMs: this.lockSeconds * 1000,
        expiredBefore: now - KEY_RETENTION_MS,
      });
    });
    switch (claim.outcome) {
      case "replay":
        return { reply: claim.reply, replayed: true };
      case "in_use":
        throw new ApiError("idempotency_key_in_use");
      case "reused":
        throw new ApiError("idempotency_key_reused");
    }

    let completed = false;
    const write: ReplyWriter = (work) =>
      this.store.write(async (trx) => {
        const reply = await work(trx);
        if (!(await completeKey(trx, scope, owner, reply))) {
          // It ran past its lock and a retry took the key over: undo this run; the retry's answer stands.
          throw new ApiError("idempotency_key_in_use");
        }
        completed = true;
        return reply;
      });
    try {
      const reply = await execute(write);
      // Every idempotent handler writes; this only guards a handler that answered without writing.
      if (!completed) await this.store.write((trx) => completeKey(trx, scope, owner, reply));
      return { reply, replayed: false };
    } catch (error) {
      await this.store
        .write((trx) => releaseKey(trx, scope, owner))
        .catch(() => {
          // The store is failing too: the key frees itself when its lock runs out.
        });
      throw error;
    }
  }
}
