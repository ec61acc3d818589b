// Using a token: 401s for a missing, garbled, forged or tampered token, and the scope matrix, on every operation
// whose `security` names a scope (read from the contract: a new operation is covered the day the spec has it).
import type { Check } from "../check.ts";
import type { Scope } from "../client.ts";
import type { CheckContext } from "../context.ts";
import { linkedTarget, needsWrittenTarget } from "../links.ts";
import { sendValid, successStatus } from "../requests.ts";
import type { SuiteSpec } from "../spec.ts";

/** Every operation that needs a bearer token, with the one scope it needs. */
const bearerOperations = (spec: SuiteSpec) =>
  spec.contract.operations.flatMap((op) => (op.scope ? [{ ...op, scope: op.scope as Scope }] : []));

const UNAUTHORIZED = "#/components/responses/Unauthorized";

const noToken: Check = {
  id: "auth.no-token",
  rules: ["no-token"],
  title: "every scoped operation without an Authorization header is 401 no_token with WWW-Authenticate",
  rule: `${UNAUTHORIZED} (no_token) and #/components/headers/WWW-Authenticate`,
  tags: ["negative"],
  async run(ctx) {
    for (const op of bearerOperations(ctx.spec))
      ctx.expectAnswer(`${op.operationId} without a token`, await sendValid(ctx, op, {}), 401, "no_token");
  },
};

const garbledHeader: Check = {
  id: "auth.garbled-header",
  rules: ["no-token"],
  title: "an Authorization header that is not `Bearer <token>` is 401 no_token",
  rule: `${UNAUTHORIZED} (no_token: no Authorization: Bearer header, or a garbled one)`,
  tags: ["negative"],
  async run(ctx) {
    for (const value of ["Basic dXNlcjpwYXNz", "Bearer", "Token abc"]) {
      for (const op of bearerOperations(ctx.spec))
        ctx.expectAnswer(
          `${op.operationId} with Authorization: ${value}`,
          await sendValid(ctx, op, { Authorization: value }),
          401,
          "no_token",
        );
    }
  },
};

/** Forgeries of a real token: each must be refused exactly like garbage. */
function forgeries(ctx: CheckContext): [string, string][] {
  const token = ctx.accessToken(ctx.spec.scopes);
  const [header, payload, signature] = token.split(".");
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const decoded = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  const claims = decoded(payload);
  // Flip a character in the middle: the last one may only carry padding bits.
  const middle = Math.floor(signature.length / 2);
  const flipped = signature.slice(0, middle) + (signature[middle] === "A" ? "B" : "A") + signature.slice(middle + 1);
  return [
    ["not a JWT", "not-a-jwt"],
    ["alg none, no signature", `${encode({ ...decoded(header), alg: "none" })}.${payload}.`],
    ["alg none, original signature", `${encode({ ...decoded(header), alg: "none" })}.${payload}.${signature}`],
    ["payload changed, original signature", `${header}.${encode({ ...claims, exp: claims.exp + 3600 })}.${signature}`],
    ["signature altered", `${header}.${payload}.${flipped}`],
    ["HS256 signed with nothing", `${encode({ alg: "HS256", typ: "JWT" })}.${payload}.${signature}`],
  ];
}

const invalidToken: Check = {
  id: "auth.invalid-token",
  rules: ["token-invalid"],
  title: "a garbage, alg-none, tampered or re-signed token is 401 token_invalid on every scoped operation",
  rule: `${UNAUTHORIZED} (token_invalid: bad signature, wrong algorithm, malformed) and #/components/securitySchemes/systemToken (algorithm pinned)`,
  tags: ["stateful"],
  async run(ctx) {
    for (const [what, forged] of forgeries(ctx)) {
      for (const op of bearerOperations(ctx.spec)) {
        ctx.expectAnswer(
          `${op.operationId} with a token: ${what}`,
          await sendValid(ctx, op, { Authorization: `Bearer ${forged}` }),
          401,
          "token_invalid",
        );
      }
    }
  },
};

const missingScope: Check = {
  id: "scopes.missing-scope",
  rules: ["scope-needed"],
  title:
    "for each scoped operation, a token holding every scope but its own is 403 insufficient_scope naming that scope",
  rule: '#/components/responses/Forbidden (insufficient_scope) and #/components/headers/WWW-Authenticate (scope="<needed>")',
  tags: ["stateful"],
  async run(ctx) {
    for (const op of bearerOperations(ctx.spec)) {
      const others = ctx.spec.scopes.filter((s) => s !== op.scope);
      ctx.expectAnswer(
        `${op.operationId} with every scope but ${op.scope}`,
        await sendValid(ctx, op, ctx.bearer(others)),
        403,
        "insufficient_scope",
      );
    }
  },
};

const singleScopeReads = (spec: SuiteSpec): Check => ({
  id: "scopes.single-scope-reads",
  rules: ["scope-needed"],
  title: `${bearerOperations(spec)
    .filter((o) => !o.writes)
    .map((o) => o.operationId)
    .join(", ")} succeed with a token holding just their scope`,
  rule: "#/paths/*/get/security (one scope per operation)",
  tags: [],
  async run(ctx) {
    // A read of something the run creates (its path id comes from a link) follows that link; a read-only run,
    // which may not create it, leaves that read out.
    for (const op of bearerOperations(ctx.spec).filter((o) => !o.writes && !needsWrittenTarget(ctx, o))) {
      ctx.expectAnswer(
        `${op.operationId} with just ${op.scope}`,
        await sendValid(ctx, op, ctx.bearer([op.scope]), await linkedTarget(ctx, op)),
        successStatus(op),
      );
    }
  },
});

const singleScopeWrites = (spec: SuiteSpec): Check => ({
  id: "scopes.single-scope-writes",
  rules: ["scope-needed"],
  title: `${bearerOperations(spec)
    .filter((o) => o.writes)
    .map((o) => o.operationId)
    .join(", ")} succeed with a token holding just their scope`,
  rule: "#/paths/*/post/security (one scope per operation)",
  tags: ["writes"],
  async run(ctx) {
    for (const op of bearerOperations(ctx.spec).filter((o) => o.writes)) {
      ctx.expectAnswer(
        `${op.operationId} with just ${op.scope}`,
        await sendValid(ctx, op, ctx.bearer([op.scope]), await linkedTarget(ctx, op)),
        successStatus(op),
      );
    }
  },
});

export const authChecks = (spec: SuiteSpec): Check[] => [
  noToken,
  garbledHeader,
  invalidToken,
  missingScope,
  singleScopeReads(spec),
  singleScopeWrites(spec),
];
