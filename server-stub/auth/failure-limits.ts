// The token endpoint's brute-force guard: invalid_client answers are counted per (address, clientId) and per
// address within a window, in the store; past either limit the address gets 429 for that client (or for all).
// Another address is never affected; IPv6 callers are counted per /64 (see rateLimitSource).
// Every attempt reserves its failure (counted and recorded in one step, under a lock on the address) before the
// secret is checked, and gives it back when the credentials are right: however many attempts arrive at once, no
// more than the limit are ever checked, and so answered 401, in a window. No lock is held while the secret is hashed.
// RateLimit / RateLimit-Policy headers use the spec's draft-7 form.
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors/api-error.ts";
import { rateLimitSource } from "./ip-ranges.ts";
import type { Store } from "../store/database.ts";
import {
  countFailures,
  forgetFailure,
  lockFailuresOf,
  purgeFailuresBefore,
  recordFailure,
  type FailureCounts,
} from "../store/token-failures.ts";

/** The limits the configuration sets (TOKEN_FAILURES_PER_CLIENT, TOKEN_FAILURES_PER_ADDRESS, TOKEN_FAILURE_WINDOW_SECONDS). */
export interface FailureLimits {
  /** invalid_client answers allowed per (address, clientId) within the window; the next attempt is 429. */
  perClient: number;
  /** invalid_client answers allowed per address, whatever the clientId, within the window. */
  perAddress: number;
  windowSeconds: number;
}

interface LimitState {
  locked: boolean;
  /** Response headers describing the tighter of the two limits. */
  headers: Record<string, string>;
}

/** An attempt whose failure is already recorded: it either failed (keep it) or succeeded (give it back). */
export interface ReservedAttempt {
  /** The headers of a successful answer (the attempt not counted). */
  successHeaders: Record<string, string>;
  /** The headers of the invalid_client answer (the attempt counted). */
  failureHeaders: Record<string, string>;
  /** The credentials were right: the attempt is not a failure. */
  succeeded(): Promise<void>;
}

export class TokenFailureLimiter {
  private lastPurge = 0;

  constructor(
    private readonly store: Store,
    private readonly limits: FailureLimits,
    private readonly clock: Clock,
  ) {}

  private state(counts: FailureCounts, now: number): LimitState {
    const windowMs = this.limits.windowSeconds * 1000;
    const client = { limit: this.limits.perClient, used: counts.forClient, oldest: counts.oldestForClient };
    const addr = { limit: this.limits.perAddress, used: counts.forAddress, oldest: counts.oldestForAddress };
    // Report the limit closest to biting; ties go to the per-client one.
    const tighter = addr.limit - addr.used < client.limit - client.used ? addr : client;
    const locked = client.used >= client.limit || addr.used >= addr.limit;
    const lockedBy = addr.used >= addr.limit ? addr : client.used >= client.limit ? client : tighter;
    const shown = locked ? lockedBy : tighter;
    const reset =
      shown.oldest === null
        ? this.limits.windowSeconds
        : Math.max(1, Math.ceil((shown.oldest + windowMs - now) / 1000));
    const headers: Record<string, string> = {
      RateLimit: `limit=${shown.limit}, remaining=${Math.max(0, shown.limit - shown.used)}, reset=${reset}`,
      "RateLimit-Policy": `${shown.limit};w=${this.limits.windowSeconds}`,
    };
    if (locked) headers["Retry-After"] = String(reset);
    return { locked, headers };
  }

  /**
   * Records this attempt as a failure before its secret is checked; 429 rate_limited (nothing recorded) when the
   * address is locked for this client.
   */
  async reserve(address: string, clientId: string): Promise<ReservedAttempt> {
    const source = rateLimitSource(address);
    const now = this.clock.now();
    const windowStart = now - this.limits.windowSeconds * 1000;
    const reserved = await this.store.write(async (trx) => {
      await lockFailuresOf(trx, this.store.dialect, source);
      const counts = await countFailures(trx, source, clientId, windowStart);
      const before = this.state(counts, now);
      if (before.locked) return { before };
      const id = await recordFailure(trx, source, clientId, now);
      if (now - this.lastPurge > 60_000) {
        this.lastPurge = now;
        await purgeFailuresBefore(trx, windowStart);
      }
      const counted: FailureCounts = {
        forClient: counts.forClient + 1,
        forAddress: counts.forAddress + 1,
        oldestForClient: counts.oldestForClient ?? now,
        oldestForAddress: counts.oldestForAddress ?? now,
      };
      return { before, id, after: this.state(counted, now) };
    });
    if (reserved.id === undefined) throw new ApiError("rate_limited", { headers: reserved.before.headers });
    const { id } = reserved;
    const failureHeaders = { ...reserved.after.headers };
    // The limit bites at the next attempt, not this one.
    delete failureHeaders["Retry-After"];
    return {
      successHeaders: reserved.before.headers,
      failureHeaders,
      succeeded: () => forgetFailure(this.store.db, id),
    };
  }
}
