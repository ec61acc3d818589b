// System tokens: JWTs (typ at+jwt) signed with the store's current key, verified with the algorithm, issuer
// and audience pinned. A token that fails verification is a TokenRejected, which the bearer check answers.
import { randomUUID } from "node:crypto";
import { SignJWT, errors, jwtVerify, type JWTHeaderParameters } from "jose";
import { loadContract, valueAt } from "../../contract/index.ts";
import type { Clock } from "../clock.ts";
import { SIGNING_ALGORITHM, type SigningKeys } from "./signing-keys.ts";

export const TOKEN_TYPE = "at+jwt";

export interface TokenClaims {
  /** The integration's appId. */
  sub: string;
  org: string;
  scopes: string[];
  iat: number;
  exp: number;
  jti: string;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
}

export async function issueAccessToken(
  keys: SigningKeys,
  settings: TokenSettings,
  clock: Clock,
  subject: { appId: string; orgId: string; scopes: string[]; expiresInSeconds: number },
): Promise<{ token: string; claims: TokenClaims }> {
  const { kid, privateKey } = await keys.current();
  const iat = Math.floor(clock.now() / 1000);
  const claims: TokenClaims = {
    sub: subject.appId,
    org: subject.orgId,
    scopes: subject.scopes,
    iat,
    exp: iat + subject.expiresInSeconds,
    jti: randomUUID(),
  };
  const token = await new SignJWT({ org: claims.org, scopes: claims.scopes })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: TOKEN_TYPE })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(claims.sub)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .setJti(claims.jti)
    .sign(privateKey);
  return { token, claims };
}

/** Why a token was refused: past its exp, or anything else wrong with it. */
export class TokenRejected extends Error {
  constructor(readonly reason: "expired" | "invalid") {
    super(`the token is ${reason}`);
    this.name = "TokenRejected";
  }
}

const invalid = () => new TokenRejected("invalid");

let longestLifetime: number | undefined;

/** The longest lifetime a token exchange may grant: SystemTokenRequest.expiresInSeconds' maximum in the contract. */
function longestLifetimeSeconds(): number {
  longestLifetime ??= Number(
    valueAt(loadContract().doc, [
      "components",
      "schemas",
      "SystemTokenRequest",
      "properties",
      "expiresInSeconds",
      "maximum",
    ]),
  );
  return longestLifetime;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** The token's claims, or a TokenRejected. */
export async function verifyAccessToken(
  keys: SigningKeys,
  settings: TokenSettings,
  clock: Clock,
  token: string,
): Promise<TokenClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        const key = header.kid ? await keys.publicKey(header.kid) : undefined;
        if (!key) throw invalid();
        return key;
      },
      {
        algorithms: [SIGNING_ALGORITHM],
        issuer: settings.issuer,
        audience: settings.audience,
        typ: TOKEN_TYPE,
        currentDate: new Date(clock.now()),
        requiredClaims: ["sub", "iat", "exp", "jti"],
      },
    ));
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw new TokenRejected("expired");
    throw invalid();
  }
  const { sub, org, scopes, iat, exp, jti } = payload as Record<string, unknown>;
  if (typeof sub !== "string" || typeof org !== "string" || !isStringArray(scopes) || typeof jti !== "string")
    throw invalid();
  // jose has checked that iat and exp are numbers; a lifetime no exchange can grant means the token was not ours.
  if ((exp as number) - (iat as number) > longestLifetimeSeconds()) throw invalid();
  return { sub, org, scopes, iat: iat as number, exp: exp as number, jti };
}
