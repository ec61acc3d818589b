// Input on every operation, derived from the contract: each constraint of each input (body at every depth, path,
// query and header parameters, closed objects, undeclared query parameters) broken on its own is the documented
// 400 invalid_request with a `details` entry naming that input; each boundary value is accepted. Then the body as
// a whole: malformed JSON, another media type, too large. No operation or field is named here.
import type { Check } from "../check.ts";
import type { CallResult } from "../client.ts";
import type { CheckContext } from "../context.ts";
import {
  absentIds,
  describeProbe,
  inputProbes,
  probedParts,
  sendParts,
  successStatus,
  validParts,
  type InputProbe,
  type Target,
} from "../requests.ts";
import type { SuiteSpec } from "../spec.ts";
import { linkedTarget } from "../links.ts";
import { UNDECLARED } from "../constraints.ts";
import type { Operation } from "../../../contract/index.ts";

const BAD_REQUEST = "#/components/responses/BadRequest (invalid_request)";

/**
 * The ids a request aims at, followed from the spec's links where this run may write, otherwise ids that do not
 * exist (a server may then answer 404 before it looks at the input; both are refusals).
 */
async function target(ctx: CheckContext, op: Operation): Promise<{ target: Target; real: boolean }> {
  return { target: await linkedTarget(ctx, op), real: !ctx.options.readOnly };
}

/** A token with every scope where the operation needs one; none for `security: []`. */
const authFor = (ctx: CheckContext, op: Operation) => (op.scope ? ctx.bearer(ctx.spec.scopes) : {});

/** A `details` entry names the input when its path is the input's, or its parent's (a missing or extra key). */
function namesInput(result: CallResult, probe: InputProbe): boolean {
  const parent = probe.pointer.split("/").slice(0, -1).join("/");
  const normalise = (path: string) => path.toLowerCase().replace(/^\/headers\//, "/header/");
  const wanted = new Set([probe.pointer, parent].map(normalise));
  const details: { path?: string }[] = result.error?.error?.details ?? [];
  return details.some((d) => typeof d.path === "string" && wanted.has(normalise(d.path)));
}

function refusalCheck(op: Operation): Check {
  return {
    id: `bad-input.${op.operationId}`,
    rules: ["invalid-request", "text-normalised"],
    title: `${op.operationId}: each constraint of each input broken on its own is 400 invalid_request naming that input`,
    rule: `${BAD_REQUEST} and the constraints of ${op.method} ${op.path}'s parameters and request body`,
    tags: ["negative", "constraints"],
    async run(ctx) {
      const { target: t, real } = await target(ctx, op);
      for (const probe of inputProbes(ctx.values, op, t).filter((p) => p.expect === "refused")) {
        const what = `${op.operationId} with ${describeProbe(probe)}`;
        const parts = probedParts(ctx.values, op, t, probe);
        const result = await sendParts(ctx, op, parts, authFor(ctx, op), undefined, probe);
        if (!real && result.status === 404) continue;
        if (ctx.expectRejected(what, result) && !ctx.options.exampleAnswers) {
          ctx.expect(
            namesInput(result, probe),
            `${what}: no details entry names ${probe.pointer}: ${JSON.stringify(result.error?.error?.details)}`,
            result.exchange,
          );
        }
      }
    },
  };
}

function boundaryCheck(op: Operation): Check {
  return {
    id: `boundaries.${op.operationId}`,
    rules: ["invalid-request"],
    title: `${op.operationId}: a value exactly on each boundary (maxLength, minimum, maximum, maxItems, the last enum value) is accepted`,
    rule: `the constraints of ${op.method} ${op.path}'s parameters and request body (inclusive bounds)`,
    tags: op.writes ? ["writes"] : [],
    async run(ctx) {
      const { target: t } = await target(ctx, op);
      for (const probe of inputProbes(ctx.values, op, t).filter((p) => p.expect === "accepted")) {
        const parts = probedParts(ctx.values, op, t, probe);
        const result = await sendParts(ctx, op, parts, authFor(ctx, op), undefined, probe);
        ctx.expectAnswer(`${op.operationId} with ${describeProbe(probe)}`, result, successStatus(op));
      }
    },
  };
}

const bodyOperations = (spec: SuiteSpec) => spec.contract.operations.filter((op) => op.requestSchema);

const malformedJson: Check = {
  id: "bad-input.malformed-json",
  rules: ["malformed-json"],
  title: "every operation with a body answers malformed or empty JSON with 400 invalid_request",
  rule: "#/components/responses/BadRequest (invalid_request: malformed JSON)",
  tags: ["negative"],
  async run(ctx) {
    for (const op of bodyOperations(ctx.spec)) {
      const { target: t, real } = await target(ctx, op);
      for (const [what, text] of [
        ["truncated JSON", '{"matterRef": "x"'],
        ["an empty body", ""],
        ["not JSON at all", "matterRef=x"],
      ]) {
        const raw = { body: text, contentType: "application/json" };
        const result = await sendParts(ctx, op, validParts(ctx.values, op, t), authFor(ctx, op), raw);
        if (!real && result.status === 404) continue;
        ctx.expectRejected(`${op.operationId} with ${what}`, result);
      }
    }
  },
};

const wrongContentType: Check = {
  id: "bad-input.content-type",
  rules: ["json-only"],
  title: "every operation with a body answers a non-JSON media type with 415 unsupported_media_type",
  rule: "#/components/responses/UnsupportedMediaType (unsupported_media_type)",
  tags: ["negative"],
  async run(ctx) {
    for (const op of bodyOperations(ctx.spec)) {
      const { target: t, real } = await target(ctx, op);
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded"]) {
        const raw = { body: '{"name":"x"}', contentType };
        const result = await sendParts(ctx, op, validParts(ctx.values, op, t), authFor(ctx, op), raw);
        if (!real && result.status === 404) continue;
        ctx.expectRejected(`${op.operationId} sent as ${contentType}`, result, 415, "unsupported_media_type");
      }
    }
  },
};

const payloadTooLarge: Check = {
  id: "bad-input.payload-too-large",
  rules: ["payload-limit"],
  title: "every operation with a body answers a body over 100 kB with 413 payload_too_large",
  rule: "#/components/responses/PayloadTooLarge (payload_too_large)",
  tags: ["negative"],
  async run(ctx) {
    for (const op of bodyOperations(ctx.spec)) {
      const parts = validParts(ctx.values, op, absentIds(ctx));
      const raw = {
        body: JSON.stringify({ ...(parts.body as object), [UNDECLARED]: "x".repeat(150_000) }),
        contentType: "application/json",
      };
      const result = await sendParts(ctx, op, parts, authFor(ctx, op), raw);
      ctx.expectRejected(`${op.operationId} with a 150 kB body`, result, 413, "payload_too_large");
    }
  },
};

export const badInputChecks = (spec: SuiteSpec): Check[] => [
  ...spec.contract.operations.map(refusalCheck),
  ...spec.contract.operations.map(boundaryCheck),
  malformedJson,
  wrongContentType,
  payloadTooLarge,
];
