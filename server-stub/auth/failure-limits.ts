// The token endpoint's brute-force guard: invalid_client answers are counted per (address, clientId) and per
// address within a window, in the store; past either limit the address gets 429 for that client (or for all).
// Another address is never affected; IPv6 callers are counted per /64 (see rateLimitSource).
// RateLimit / RateLimit-Policy headers use the spec's draft-7 form.
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors/api-error.ts";
import { rateLimitSource } from "./ip-ranges.ts";
import type { Store } from "../store/database.ts";
import { countFailures, purgeFailuresBefore, recordFailure } from "../store/token-failures.ts";

/** The limits the configuration sets (TOKEN_FAILURES_PER_CLIENT, TOKEN_FAILURES_PER_ADDRESS, TOKEN_FAILURE_WINDOW_SECONDS). */
export interface FailureLimits {
  /** invalid_client answers allowed per (address, clientId) within the window; the next attempt is 429. */
  perClient: number;
  /** invalid_client answers allowed per address, whatever the clientId, within the window. */
  perAddress: number;
  windowSeconds: number;
}

export interface LimitState {
  locked: boolean;
  /** Response headers describing the tighter of the two limits. */
  headers: Record<string, string>;
}

export class TokenFailureLimiter {
  private lastPurge = 0;

  constructor(
    private readonly store: Store,
    private readonly limits: FailureLimits,
    private readonly clock: Clock,
  ) {}

  async state(address: string, clientId: string): Promise<LimitState> {
    const source = rateLimitSource(address);
    const now = this.clock.now();
    const windowMs = this.limits.windowSeconds * 1000;
    const counts = await countFailures(this.store.db, source, clientId, now - windowMs);
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

  /** 429 rate_limited when the address is locked for this client. */
  async assertNotLocked(address: string, clientId: string): Promise<Record<string, string>> {
    const state = await this.state(address, clientId);
    if (state.locked) throw new ApiError("rate_limited", { headers: state.headers });
    return state.headers;
  }

  /** Counts one invalid_client answer and returns the headers to send with it. */
  async recordFailure(address: string, clientId: string): Promise<Record<string, string>> {
    const now = this.clock.now();
    await this.store.write(async (trx) => {
      await recordFailure(trx, rateLimitSource(address), clientId, now);
      if (now - this.lastPurge > 60_000) {
        this.lastPurge = now;
        await purgeFailuresBefore(trx, now - this.limits.windowSeconds * 1000);
      }
    });
    const { headers } = await this.state(address, clientId);
    delete headers["Retry-After"];
    return headers;
  }
}
