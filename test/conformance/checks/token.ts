// Token exchange: POST /v1/microapps/system-tokens.
import { randomUUID } from "node:crypto";
import type { Check } from "../check.ts";
import { invalid } from "../client.ts";
import { SCOPE_PAIR, SHORT_LIFETIME_SECONDS, type CheckContext, describe } from "../context.ts";

const TOKEN_PATH = "#/paths/~1v1~1microapps~1system-tokens/post";
/** How far the server's clock may be from ours when comparing expiresAt. */
const CLOCK_TOLERANCE_SECONDS = 120;
const ASYMMETRIC_ALGORITHMS = /^(RS|PS|ES)(256|384|512)$|^EdDSA$/;

function decodeJwtPart(part: string): any {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

function sameSet(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return !!a && a.length === b.length && b.every((s) => a.includes(s));
}

const exchangeAnswers: Check = {
  id: "token.exchange",
  rules: ["token-lifetime"],
  title: "every token exchange the suite makes answers 200 with ok, accessToken, principal and expiresAt",
  rule: `${TOKEN_PATH}/responses/200 (SystemTokenResponse)`,
  tags: [],
  async run(ctx) {
    for (const { scopes, result } of ctx.tokens.all()) {
      ctx.expectAnswer(`token for [${scopes.join(", ")}]`, result, 200);
      ctx.expect(
        result.exchange.violations.length === 0,
        `token for [${scopes.join(", ")}]: the response breaks the contract`,
        result.exchange,
      );
    }
  },
};

const principalScopes: Check = {
  id: "token.principal",
  rules: ["granted-scopes"],
  title:
    "principal.scopes is exactly the requested set (one, two and all five scopes) and principal names the integration",
  rule: "CONTRACT Token exchange: granted scopes = requested ∩ integration ∩ firm, returned as principal.scopes (#/components/schemas/Principal)",
  tags: ["stateful"],
  async run(ctx) {
    const principals = ctx.tokens.all().filter((t) => t.result.data);
    ctx.require(principals.length > 0, "no token exchange succeeded");
    for (const { scopes, result } of principals) {
      const principal = result.data!.principal;
      ctx.expect(
        sameSet(principal.scopes, scopes),
        `asked for [${scopes.join(", ")}], principal.scopes is ${JSON.stringify(principal.scopes)}`,
        result.exchange,
      );
      ctx.expect(
        principal.appId === ctx.options.clientId,
        `principal.appId ${JSON.stringify(principal.appId)} is not the clientId`,
        result.exchange,
      );
    }
    const first = principals[0].result.data!.principal;
    for (const { result } of principals) {
      const { orgId, identifier } = result.data!.principal;
      ctx.expect(
        orgId === first.orgId && identifier === first.identifier,
        `the same integration answered as ${orgId}/${identifier} and as ${first.orgId}/${first.identifier}`,
        result.exchange,
      );
    }
  },
};

const expiresAt: Check = {
  id: "token.expires-at",
  rules: ["token-lifetime"],
  title: "expiresAt is Unix seconds, expiresInSeconds ahead (3600 by default)",
  rule: `CONTRACT Token exchange: expiresInSeconds 60..3600, default 3600; expiresAt is the JWT's exp (${TOKEN_PATH})`,
  tags: ["stateful"],
  async run(ctx) {
    for (const [scopes, lifetime] of [
      [ctx.spec.scopes, 3600],
      [SCOPE_PAIR, SHORT_LIFETIME_SECONDS],
    ] as const) {
      const { sentAt, result } = ctx.tokens.get(scopes);
      if (!result.data) {
        ctx.expect(false, `no token for [${scopes.join(", ")}]: got ${describe(result)}`, result.exchange);
        continue;
      }
      const ahead = result.data.expiresAt - sentAt;
      ctx.expect(
        Number.isInteger(result.data.expiresAt) && Math.abs(ahead - lifetime) <= CLOCK_TOLERANCE_SECONDS,
        `asked for ${lifetime} s, expiresAt ${result.data.expiresAt} is ${ahead} s ahead of the request (tolerance ${CLOCK_TOLERANCE_SECONDS} s)`,
        result.exchange,
      );
    }
  },
};

const jwtClaims: Check = {
  id: "token.jwt",
  rules: ["token-jwt"],
  title:
    "the access token is a JWT with an asymmetric alg, a kid, sub = clientId, exp = expiresAt, iat, iss, aud and a unique jti",
  rule: "#/components/securitySchemes/systemToken (RFC 7519, RFC 8725)",
  tags: ["stateful"],
  async run(ctx) {
    const seenJti = new Set<string>();
    ctx.require(
      ctx.tokens.all().some((t) => t.result.data),
      "no token exchange succeeded: there is no token to check",
    );
    for (const { scopes, result } of ctx.tokens.all()) {
      if (!result.data) continue;
      const what = `token for [${scopes.join(", ")}]`;
      const parts = result.data.accessToken.split(".");
      const header = decodeJwtPart(parts[0] ?? "");
      const claims = decodeJwtPart(parts[1] ?? "");
      if (
        !ctx.expect(
          parts.length === 3 && header && claims,
          `${what} is not a JWT (three base64url JSON parts)`,
          result.exchange,
        )
      )
        continue;
      ctx.expect(
        ASYMMETRIC_ALGORITHMS.test(header.alg ?? ""),
        `${what}: alg ${JSON.stringify(header.alg)} is not an asymmetric algorithm`,
        result.exchange,
      );
      ctx.expect(
        typeof header.kid === "string" && header.kid.length > 0,
        `${what}: the header has no kid`,
        result.exchange,
      );
      ctx.expect(
        claims.sub === ctx.options.clientId,
        `${what}: sub ${JSON.stringify(claims.sub)} is not the clientId`,
        result.exchange,
      );
      ctx.expect(
        claims.exp === result.data.expiresAt,
        `${what}: exp ${claims.exp} is not expiresAt ${result.data.expiresAt}`,
        result.exchange,
      );
      ctx.expect(Number.isInteger(claims.iat), `${what}: no integer iat`, result.exchange);
      ctx.expect(
        typeof claims.iss === "string" && claims.aud !== undefined,
        `${what}: iss or aud missing`,
        result.exchange,
      );
      ctx.expect(
        typeof claims.jti === "string" && !seenJti.has(claims.jti),
        `${what}: jti ${JSON.stringify(claims.jti)} is missing or not unique`,
        result.exchange,
      );
      seenJti.add(claims.jti);
    }
  },
};

const invalidClient: Check = {
  id: "token.invalid-client",
  rules: ["invalid-client-uniform"],
  title:
    "a wrong secret and an unknown clientId both get 401 invalid_client, with bodies identical apart from requestId",
  rule: `${TOKEN_PATH}/responses/401 and CONTRACT Token exchange: one and the same 401 invalid_client (no enumeration)`,
  tags: ["stateful"],
  async run(ctx) {
    // The suite's only deliberate credential failures: one per clientId and run, after every token was fetched.
    const attempt = (clientId: string, clientSecret: string) =>
      ctx.call(
        ctx.api.POST("/v1/microapps/system-tokens", { body: { clientId, clientSecret, scopes: ["users.list"] } }),
      );
    const wrongSecret = await attempt(ctx.options.clientId, `wrong-${ctx.runId}`);
    const unknownClient = await attempt(randomUUID(), `wrong-${ctx.runId}`);
    for (const [what, result] of [
      ["wrong secret", wrongSecret],
      ["unknown clientId", unknownClient],
    ] as const) {
      if (result.status === 429) {
        ctx.expect(
          false,
          `${what}: the server's failure limit is already reached (429); the suite makes one such attempt per run; wait ${result.exchange.response?.headers["retry-after"] ?? "?"} seconds`,
          result.exchange,
        );
        continue;
      }
      ctx.expectAnswer(what, result, 401, "invalid_client");
    }
    // A 429 says nothing about whether the clientId exists: compare only two real answers.
    if (wrongSecret.status === 429 || unknownClient.status === 429) return;
    const withoutRequestId = (body: any) => JSON.stringify({ ...body, requestId: undefined });
    ctx.expect(
      withoutRequestId(wrongSecret.error) === withoutRequestId(unknownClient.error),
      `the two bodies differ, which tells a caller whether the clientId exists: ${withoutRequestId(wrongSecret.error)} vs ${withoutRequestId(unknownClient.error)}`,
      unknownClient.exchange,
    );
  },
};

async function exchangeWith(ctx: CheckContext, overrides: Record<string, unknown>) {
  const body = {
    clientId: ctx.options.clientId,
    clientSecret: ctx.options.clientSecret,
    scopes: ["users.list"],
    ...overrides,
  };
  return ctx.call(ctx.api.POST("/v1/microapps/system-tokens", { body: invalid<never>(body) }));
}

const unknownScope: Check = {
  id: "token.bad-scopes",
  rules: ["invalid-request"],
  title: "an unknown scope name, a repeated scope or no scopes at all is 400 invalid_request",
  rule: "#/components/schemas/SystemTokenRequest/properties/scopes (enum, uniqueItems, minItems 1)",
  tags: ["negative"],
  async run(ctx) {
    const cases: [string, unknown][] = [
      ["an unknown scope", ["cases.delete"]],
      ["a known and an unknown scope", ["users.list", "admin"]],
      ["a repeated scope", ["users.list", "users.list"]],
      ["no scopes", []],
    ];
    for (const [what, scopes] of cases) ctx.expectRejected(`scopes: ${what}`, await exchangeWith(ctx, { scopes }));
  },
};

const badLifetime: Check = {
  id: "token.bad-lifetime",
  rules: ["invalid-request", "token-lifetime"],
  title: "expiresInSeconds outside 60..3600 or not an integer is 400 invalid_request",
  rule: "#/components/schemas/SystemTokenRequest/properties/expiresInSeconds (integer, 60..3600)",
  tags: ["negative"],
  async run(ctx) {
    for (const expiresInSeconds of [59, 3601, 90.5, "3600", null]) {
      ctx.expectRejected(
        `expiresInSeconds ${JSON.stringify(expiresInSeconds)}`,
        await exchangeWith(ctx, { expiresInSeconds }),
      );
    }
  },
};

export const tokenChecks: Check[] = [exchangeAnswers, principalScopes, expiresAt, jwtClaims, unknownScope, badLifetime];

/** The run's deliberate credential failures: run last, after every exchange that must succeed. */
export const credentialFailureChecks: Check[] = [invalidClient];
