// A small cache of verified tokens, keyed by the exact token string, so a busy client does not pay a signature
// check per call. An entry is never used past the token's exp. It caches only the signature check: the
// integration and firm are still re-read on every call.
import type { Clock } from "../clock.ts";
import type { TokenClaims } from "./access-token.ts";

const MAX_ENTRIES = 10_000;

export class VerifiedTokenCache {
  private readonly entries = new Map<string, TokenClaims>();

  constructor(private readonly clock: Clock) {}

  get(token: string): TokenClaims | undefined {
    const claims = this.entries.get(token);
    if (!claims) return undefined;
    if (claims.exp * 1000 <= this.clock.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  set(token: string, claims: TokenClaims): void {
    // Map keeps insertion order: drop the oldest entry when full.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, claims);
  }
}
