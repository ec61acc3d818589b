// The MCP server's own token exchange: one token per scope, holding exactly that scope, cached until shortly before
// it expires. After one `401 invalid_client` it stops exchanging for good (until restart) and answers every call
// with that failure, so a wrong secret cannot spend the integration's failure limit and lock it out.
import type { Operation } from "../contract/index.ts";
import { errorCatalogue, type ErrorCode } from "../generated/error-catalogue.ts";
import { ApiFailure } from "./api-failure.ts";

export interface Credentials {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

interface CachedToken {
  readonly token: string;
  readonly refreshAt: number;
}

/** Renew 30 s before expiry, or at half the lifetime for a short-lived token. */
const RENEW_BEFORE_MS = 30_000;
const REFUSED_CREDENTIALS: ErrorCode = "invalid_client";
export const REQUEST_TIMEOUT_MS = 30_000;

export class TokenSource {
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  private refused: ApiFailure | undefined;

  constructor(
    private readonly credentials: Credentials,
    private readonly exchange: Operation,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token holding `scope`; throws the exchange's ApiFailure when it is refused. */
  async token(scope: string): Promise<string> {
    if (this.refused) throw this.refused;
    const pending = this.tokens.get(scope);
    if (pending) {
      const cached = await pending.catch(() => undefined);
      if (cached && this.now() < cached.refreshAt) return cached.token;
      if (this.refused) throw this.refused;
    }
    const fresh = this.fetchToken(scope);
    this.tokens.set(scope, fresh);
    return (await fresh).token;
  }

  /** Forget a token the API no longer accepts (expired or revoked), so the next call exchanges again. */
  forget(scope: string): void {
    this.tokens.delete(scope);
  }

  private async fetchToken(scope: string): Promise<CachedToken> {
    const { baseUrl, clientId, clientSecret } = this.credentials;
    const issuedAt = this.now();
    const res = await fetch(new URL(this.exchange.path.replace(/^\//, ""), `${baseUrl.replace(/\/$/, "")}/`), {
      method: this.exchange.method,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ clientId, clientSecret, scopes: [scope] }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => undefined)) as { accessToken?: string; expiresAt?: number } | undefined;
    if (res.status !== 200 || typeof body?.accessToken !== "string" || typeof body.expiresAt !== "number") {
      this.tokens.delete(scope);
      const failure = ApiFailure.fromAnswer(res.status, body);
      const refusal = errorCatalogue[REFUSED_CREDENTIALS];
      if (failure.status === refusal.status && failure.code === REFUSED_CREDENTIALS) this.refused = failure;
      throw failure;
    }
    const expiresAt = body.expiresAt * 1000;
    return { token: body.accessToken, refreshAt: expiresAt - Math.min(RENEW_BEFORE_MS, (expiresAt - issuedAt) / 2) };
  }
}
