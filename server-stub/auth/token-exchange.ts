// The client-credentials exchange (POST /v1/microapps/system-tokens): failure limits (a failure reserved before the
// secret is checked, given back when it is right), one identical invalid_client for every credential problem, the
// IP check, scope intersection, then a signed token.
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors/api-error.ts";
import type { Store } from "../store/database.ts";
import { findIntegrationWithFirmScopes, type Integration } from "../store/integrations.ts";
import { issueAccessToken, type TokenSettings } from "./access-token.ts";
import type { TokenFailureLimiter } from "./failure-limits.ts";
import { isAddressInRanges } from "./ip-ranges.ts";
import { intersectScopes } from "./scopes.ts";
import { secretMatchesHash } from "./secrets.ts";
import type { SigningKeys } from "./signing-keys.ts";

export interface ExchangeDeps {
  store: Store;
  keys: SigningKeys;
  clock: Clock;
  limiter: TokenFailureLimiter;
  tokens: TokenSettings;
}

export interface ExchangeRequest {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  expiresInSeconds?: number;
}

export interface ExchangeResult {
  accessToken: string;
  expiresAt: number;
  integration: Integration;
  scopes: string[];
  headers: Record<string, string>;
}

function secretIsValid(integration: Integration | undefined, secret: string, now: number): boolean {
  const current = secretMatchesHash(secret, integration?.secretHash ?? null);
  const previousStillValid = (integration?.previousSecretExpiresAt ?? 0) > now;
  const previous = secretMatchesHash(secret, previousStillValid ? (integration?.previousSecretHash ?? null) : null);
  return current || previous;
}

export async function exchangeClientCredentials(
  deps: ExchangeDeps,
  address: string,
  request: ExchangeRequest,
): Promise<ExchangeResult> {
  const attempt = await deps.limiter.reserve(address, request.clientId);

  const found = await findIntegrationWithFirmScopes(deps.store.db, request.clientId);
  if (
    !found ||
    found.integration.disabledAt !== null ||
    !secretIsValid(found.integration, request.clientSecret, deps.clock.now())
  ) {
    throw new ApiError("invalid_client", { headers: attempt.failureHeaders });
  }
  await attempt.succeeded();

  const { integration, firmScopes } = found;
  if (!isAddressInRanges(address, integration.allowedIpRanges)) {
    throw new ApiError("ip_not_allowed");
  }

  const scopes = intersectScopes(request.scopes, integration.scopes, firmScopes);
  if (scopes.length === 0) {
    throw new ApiError("invalid_scope");
  }

  const { token, claims } = await issueAccessToken(deps.keys, deps.tokens, deps.clock, {
    appId: integration.appId,
    orgId: integration.orgId,
    scopes,
    expiresInSeconds: request.expiresInSeconds ?? 3600,
  });
  return { accessToken: token, expiresAt: claims.exp, integration, scopes, headers: attempt.successHeaders };
}
