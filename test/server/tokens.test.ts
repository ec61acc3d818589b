// Bearer tokens: what a valid one looks like, the attack matrix, and changes that apply to live tokens at once.
import { SignJWT, base64url, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ALL_SCOPES,
  call,
  errorCode,
  exchange,
  newFirm,
  startTestServer,
  tokenFor,
  type TestServer,
} from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const listUsers = (token: string) => call(server, "GET", "/v1/microapps/api/users", { token });

async function currentSigningKey() {
  const row = await server.store.db
    .selectFrom("signing_keys")
    .selectAll()
    .orderBy("generation", "desc")
    .executeTakeFirstOrThrow();
  return {
    kid: row.kid,
    privateKey: await importJWK(JSON.parse(row.private_jwk) as JWK, "EdDSA"),
    publicJwk: JSON.parse(row.public_jwk) as JWK,
  };
}

/** A token like the server's, with any part overridden. */
async function forge(overrides: { header?: object; claims?: object; key?: CryptoKey | Uint8Array; alg?: string } = {}) {
  const signing = await currentSigningKey();
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: "verify-client-reference",
    aud: "verify-client-api",
    sub: server.clientId,
    org: server.orgId,
    scopes: ALL_SCOPES,
    iat: now,
    exp: now + 600,
    jti: crypto.randomUUID(),
    ...overrides.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: overrides.alg ?? "EdDSA", kid: signing.kid, typ: "at+jwt", ...overrides.header })
    .sign(overrides.key ?? (signing.privateKey as CryptoKey));
}

function expectUnauthorized(reply: Awaited<ReturnType<typeof listUsers>>, code: string) {
  expect(reply.status).toBe(401);
  expect(errorCode(reply)).toBe(code);
  expect(reply.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
}

describe("system tokens", () => {
  it("are EdDSA JWTs with kid and typ at+jwt carrying iss, aud, sub, org, scopes, iat, exp and a unique jti", async () => {
    const first = await exchange(server, server, ["users.list", "cases.create"]);
    const second = await exchange(server, server, ["users.list"]);
    const header = decodeProtectedHeader(first.body.accessToken);
    expect(header).toEqual({ alg: "EdDSA", kid: expect.any(String), typ: "at+jwt" });
    const claims = decodeJwt(first.body.accessToken);
    expect(claims).toEqual({
      iss: "verify-client-reference",
      aud: "verify-client-api",
      sub: server.clientId,
      org: server.orgId,
      scopes: ["users.list", "cases.create"],
      iat: expect.any(Number),
      exp: first.body.expiresAt,
      jti: expect.any(String),
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(decodeJwt(second.body.accessToken).jti).not.toBe(claims.jti);
    expect((await listUsers(first.body.accessToken)).status).toBe(200);
  });

  it("a forged or broken token is 401 token_invalid: alg none, HS256 with the public key, unknown kid, wrong key, iss, aud, typ, tampered payload", async () => {
    const signing = await currentSigningKey();
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: "verify-client-reference",
      aud: "verify-client-api",
      sub: server.clientId,
      org: server.orgId,
      scopes: ALL_SCOPES,
      iat: now,
      exp: now + 600,
      jti: "x",
    };
    const encode = (o: object) => base64url.encode(JSON.stringify(o));
    const algNone = `${encode({ alg: "none", typ: "at+jwt", kid: signing.kid })}.${encode(claims)}.`;
    const hs256WithPublicKey = await forge({
      alg: "HS256",
      key: new TextEncoder().encode(JSON.stringify(signing.publicJwk)),
    });
    const strangerKey = (await generateKeyPair("EdDSA")).privateKey;
    const unknownKid = await forge({ header: { kid: "no-such-kid" }, key: strangerKey });
    const realKidWrongKey = await forge({ key: strangerKey });
    const wrongIssuer = await forge({ claims: { iss: "someone-else" } });
    const wrongAudience = await forge({ claims: { aud: "another-api" } });
    const wrongType = await forge({ header: { typ: "JWT" } });
    const valid = await forge();
    const [h, p, s] = valid.split(".");
    const tampered = `${h}.${encode({ ...decodeJwt(valid), org: "org_other" })}.${s}`;
    const truncated = `${h}.${p}`;

    expect((await listUsers(valid)).status).toBe(200);
    for (const [name, token] of Object.entries({
      algNone,
      hs256WithPublicKey,
      unknownKid,
      realKidWrongKey,
      wrongIssuer,
      wrongAudience,
      wrongType,
      tampered,
      truncated,
    })) {
      const reply = await listUsers(token);
      expect(reply.status, name).toBe(401);
      expectUnauthorized(reply, "token_invalid");
    }
  });

  it("a token whose lifetime (exp - iat) exceeds the longest the contract allows is 401 token_invalid", async () => {
    const now = Math.floor(Date.now() / 1000);
    const longest = 3600;
    expect((await listUsers(await forge({ claims: { iat: now, exp: now + longest } }))).status).toBe(200);
    expectUnauthorized(await listUsers(await forge({ claims: { iat: now, exp: now + longest + 1 } })), "token_invalid");
    expectUnauthorized(
      await listUsers(await forge({ claims: { iat: now - 10, exp: now + 10 * 365 * 86400 } })),
      "token_invalid",
    );
  });

  it("rotate-secret with revokeTokens revokes the tokens issued so far (401 token_revoked); enable undoes disable", async () => {
    const app = await newFirm(server, { identifier: "revocable" });
    const before = (await exchange(server, app, ["users.list"])).body.accessToken;
    const rotated = await server.admin.rotateSecret({ appId: app.clientId, revokeTokens: true });
    expectUnauthorized(await listUsers(before), "token_revoked");
    // Tokens of the rotation's own second are revoked too (iat is in whole seconds).
    await new Promise((r) => setTimeout(r, 1100));
    const renewed = { clientId: app.clientId, clientSecret: rotated.clientSecret };
    const after = (await exchange(server, renewed, ["users.list"])).body.accessToken;
    expect((await listUsers(after)).status).toBe(200);
    await server.admin.disableIntegration(app.clientId);
    expectUnauthorized(await listUsers(after), "token_revoked");
    await server.admin.enableIntegration(app.clientId);
    expect((await listUsers(after)).status).toBe(200);
  });

  it("no Authorization header, another scheme or a garbled bearer is 401 no_token", async () => {
    for (const authorization of [
      undefined,
      "Basic dXNlcjpwYXNz",
      "Bearer",
      "Bearer two words",
      "Bearer \u00e9t\u00e9",
    ]) {
      const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
      const reply = await call(server, "GET", "/v1/microapps/api/users", { headers });
      expectUnauthorized(reply, "no_token");
    }
  });

  it("a token past its exp is 401 token_expired, also after it was verified once (no cache beyond exp)", async () => {
    const reply = await exchange(server, server, ["users.list"]);
    const token = reply.body.accessToken;
    expect((await listUsers(token)).status).toBe(200);
    server.clock.advance(3601);
    try {
      expectUnauthorized(await listUsers(token), "token_expired");
    } finally {
      server.clock.advance(-3601);
    }
  });

  it("disabling the integration revokes its live tokens at once (401 token_revoked)", async () => {
    const other = await newFirm(server, { identifier: "to-disable" });
    const token = await tokenFor(server, other);
    expect((await listUsers(token)).status).toBe(200);
    await server.admin.disableIntegration(other.clientId);
    expectUnauthorized(await listUsers(token), "token_revoked");
  });

  it("narrowing the integration's or the firm's scopes applies to live tokens at once (403 insufficient_scope naming the scope)", async () => {
    const other = await newFirm(server, { identifier: "to-narrow" });
    const token = await tokenFor(server, other);
    expect((await listUsers(token)).status).toBe(200);

    await server.admin.updateIntegration({ appId: other.clientId, scopes: ["cases.create"] });
    const narrowed = await listUsers(token);
    expect(narrowed.status).toBe(403);
    expect(errorCode(narrowed)).toBe("insufficient_scope");
    expect(narrowed.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope", scope="users.list"');

    await server.admin.updateIntegration({ appId: other.clientId, scopes: ALL_SCOPES });
    expect((await listUsers(token)).status).toBe(200);
    await server.admin.updateFirm({ orgId: other.orgId, scopes: ["cases.create"] });
    expect(errorCode(await listUsers(token))).toBe("insufficient_scope");
  });

  it("a token without the operation's scope is 403 insufficient_scope, whatever else it holds", async () => {
    const token = await tokenFor(server, server, ["cases.create"]);
    for (const [method, path] of [
      ["GET", "/v1/microapps/api/users"],
      ["GET", "/v1/microapps/api/cases/ids"],
      ["POST", "/v1/cases/case_x/parties"],
      ["POST", "/v1/cases/case_x/invites"],
    ]) {
      const reply = await call(server, method, path, { token, body: method === "POST" ? {} : undefined });
      expect(reply.status, path).toBe(403);
      expect(errorCode(reply)).toBe("insufficient_scope");
    }
  });

  it("after keys rotate, new tokens use the new kid and tokens signed by the old key still verify", async () => {
    const before = await tokenFor(server, server, ["users.list"]);
    const { kid } = await server.admin.rotateSigningKey();
    const after = await tokenFor(server, server, ["users.list"]);
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    expect(decodeProtectedHeader(before).kid).not.toBe(kid);
    expect((await listUsers(before)).status).toBe(200);
    expect((await listUsers(after)).status).toBe(200);
  });
});
