// Bearer authentication for every scoped operation: verify the token, then re-read the integration and firm
// so that a disabled integration, a narrowed scope or a changed address range applies to live tokens at once.
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors/api-error.ts";
import type { Store } from "../store/database.ts";
import { findIntegrationWithFirmScopes } from "../store/integrations.ts";
import { TokenRejected, verifyAccessToken, type TokenClaims, type TokenSettings } from "./access-token.ts";
import { isAddressInRanges } from "./ip-ranges.ts";
import { intersectScopes } from "./scopes.ts";
import type { SigningKeys } from "./signing-keys.ts";
import { VerifiedTokenCache } from "./verified-token-cache.ts";

/** Who a request acts as, after authentication. */
export interface Principal {
  appId: string;
  orgId: string;
  identifier: string;
  /** Effective scopes now: token ∩ integration ∩ firm. */
  scopes: string[];
}

export interface BearerDeps {
  store: Store;
  keys: SigningKeys;
  clock: Clock;
  tokens: TokenSettings;
}

const INVALID_TOKEN_CHALLENGE = { "WWW-Authenticate": 'Bearer error="invalid_token"' };

export function noTokenError(): ApiError {
  return new ApiError("no_token", { headers: INVALID_TOKEN_CHALLENGE });
}

// RFC 6750 b64token after "Bearer ".
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export class BearerAuthenticator {
  private readonly cache: VerifiedTokenCache;

  constructor(private readonly deps: BearerDeps) {
    this.cache = new VerifiedTokenCache(deps.clock);
  }

  /** The principal for this Authorization header, address and needed scope; otherwise an ApiError 401/403. */
  async authenticate(
    authorization: string | undefined,
    address: string,
    neededScope: string | undefined,
  ): Promise<Principal> {
    const match = BEARER.exec(authorization ?? "");
    if (!match) throw noTokenError();
    const claims = await this.verify(match[1]);

    const found = await findIntegrationWithFirmScopes(this.deps.store.db, claims.sub);
    if (
      !found ||
      found.integration.disabledAt !== null ||
      found.integration.orgId !== claims.org ||
      claims.iat < (found.integration.tokensValidFrom ?? 0)
    ) {
      throw new ApiError("token_revoked", { headers: INVALID_TOKEN_CHALLENGE });
    }

    const { integration, firmScopes } = found;
    // The address before the scope, as the token exchange does: a token used from outside its range must not
    // learn which scopes it holds.
    if (!isAddressInRanges(address, integration.allowedIpRanges)) {
      throw new ApiError("ip_not_allowed");
    }
    const scopes = intersectScopes(claims.scopes, integration.scopes, firmScopes);
    if (neededScope !== undefined && !scopes.includes(neededScope)) {
      throw new ApiError("insufficient_scope", {
        values: { scope: neededScope },
        headers: { "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${neededScope}"` },
      });
    }
    return { appId: integration.appId, orgId: integration.orgId, identifier: integration.identifier, scopes };
  }

  private async verify(token: string): Promise<TokenClaims> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    try {
      const claims = await verifyAccessToken(this.deps.keys, this.deps.tokens, this.deps.clock, token);
      this.cache.set(token, claims);
      return claims;
    } catch (e) {
      if (!(e instanceof TokenRejected)) throw e;
      throw e.reason === "expired"
        ? new ApiError("token_expired", { headers: INVALID_TOKEN_CHALLENGE })
        : new ApiError("token_invalid", { headers: INVALID_TOKEN_CHALLENGE });
    }
  }
}
