// Bad input on every operation: the documented 4xx with the error envelope, never a 2xx or a 5xx. (The lists'
// query parameters are in lists.ts.) A conforming server writes nothing for any of these requests.
import type { Check } from "../check.ts";
import { asWritten, invalid, type CallResult } from "../client.ts";
import type { CheckContext } from "../context.ts";
import { ALL_SCOPES } from "../spec.ts";
import { absentIds, type Target } from "./operations.ts";

type Body = Record<string, unknown> | unknown[] | string | number | null;

interface BodyOperation {
  operationId: string;
  /** Sends `body` as JSON, or as written with `contentType` when one is given. */
  send(ctx: CheckContext, body: Body, contentType?: string): Promise<CallResult>;
  /** Bodies that each break the schema in one way, with what they break. */
  badBodies(ctx: CheckContext, target: Target): [string, Body][];
}

/** The body as JSON, or exactly as written when a media type is given. */
const bodyInit = (body: Body, contentType?: string) => ({
  body: invalid<never>(body),
  ...(contentType ? { bodySerializer: asWritten } : {}),
});

/**
 * The case and party the body checks aim at: the shared fixture where this run may write, otherwise ids that do
 * not exist (a server may then answer 404 before it looks at the body; both are refusals).
 */
async function target(ctx: CheckContext): Promise<{ target: Target; real: boolean }> {
  if (ctx.options.readOnly) return { target: absentIds(ctx), real: false };
  const { caseId } = await ctx.caseFixture();
  const { partyId } = await ctx.partyFixture("emailAndMobile");
  return { target: { caseId, partyId }, real: true };
}

function operations(t: Target): BodyOperation[] {
  const headersFor = (ctx: CheckContext, contentType?: string) => ({
    ...ctx.bearer(ALL_SCOPES),
    ...(contentType ? { "Content-Type": contentType } : {}),
  });
  return [
    {
      operationId: "createSystemToken",
      send: (ctx, body, contentType) =>
        ctx.call(
          ctx.api.POST("/v1/microapps/system-tokens", {
            ...bodyInit(body, contentType),
            headers: contentType ? { "Content-Type": contentType } : {},
          }),
        ),
      badBodies: (ctx) => {
        const valid = {
          clientId: ctx.options.clientId,
          clientSecret: ctx.options.clientSecret,
          scopes: ["users.list"],
        };
        const without = (key: string) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));
        return [
          ["an empty object", {}],
          ["no clientId", without("clientId")],
          ["no clientSecret", without("clientSecret")],
          ["no scopes", without("scopes")],
          ["clientId not a UUID", { ...valid, clientId: "case-management-system" }],
          ["scopes a string", { ...valid, scopes: "users.list" }],
          ["clientSecret a number", { ...valid, clientSecret: 12345 }],
          ["an unknown field", { ...valid, grant_type: "client_credentials" }],
          ["an array", [valid]],
        ];
      },
    },
    {
      operationId: "createCase",
      send: (ctx, body, contentType) =>
        ctx.call(ctx.api.POST("/v1/cases", { ...bodyInit(body, contentType), headers: headersFor(ctx, contentType) })),
      badBodies: (ctx) => {
        const matterRef = ctx.matterRef("bad-input");
        return [
          ["an empty object (no matterRef)", {}],
          ["matterRef a number", { matterRef: 2026 }],
          ["matterRef empty", { matterRef: "" }],
          ["matterRef of 101 characters", { matterRef: `${matterRef}-`.padEnd(101, "x") }],
          ["matterRef with a control character", { matterRef: `${matterRef}\u0007` }],
          ["an unknown field", { matterRef, clientReference: "X-1" }],
          ["parties an object", { matterRef, parties: { name: "Alex Client" } }],
          ["a party without a name", { matterRef, parties: [{ email: "alex@example.com" }] }],
          [
            "a party email that is not an email",
            { matterRef, parties: [{ name: "Alex Client", email: "alex-at-example" }] },
          ],
          [
            "a party mobile that is not E.164",
            { matterRef, parties: [{ name: "Alex Client", mobile: "07700 900123" }] },
          ],
          ["a partyType outside the enum", { matterRef, parties: [{ name: "Alex Client", partyType: "robot" }] }],
          ["21 parties", { matterRef, parties: Array.from({ length: 21 }, (_, i) => ({ name: `Party ${i}` })) }],
          [
            "propertyAddress without city",
            { matterRef, propertyAddress: { line1: "1 High Street", postcode: "SW1A 1AA" } },
          ],
          ["requireSof a string", { matterRef, requireSof: "yes" }],
        ];
      },
    },
    {
      operationId: "addParty",
      send: (ctx, body, contentType) =>
        ctx.call(
          ctx.api.POST("/v1/cases/{caseId}/parties", {
            ...bodyInit(body, contentType),
            params: { path: { caseId: t.caseId } },
            headers: headersFor(ctx, contentType),
          }),
        ),
      badBodies: () => [
        ["an empty object (no name)", {}],
        ["name a number", { name: 42 }],
        ["name of 201 characters", { name: "n".repeat(201) }],
        ["an unknown field", { name: "Jordan Client", dateOfBirth: "1990-01-01" }],
        ["email not an email", { name: "Jordan Client", email: "jordan" }],
        ["isPrimaryContact a string", { name: "Jordan Client", isPrimaryContact: "true" }],
      ],
    },
    {
      operationId: "sendInvite",
      send: (ctx, body, contentType) =>
        ctx.call(
          ctx.api.POST("/v1/cases/{caseId}/invites", {
            ...bodyInit(body, contentType),
            params: { path: { caseId: t.caseId } },
            headers: headersFor(ctx, contentType),
          }),
        ),
      badBodies: () => [
        ["an empty object (no partyId)", {}],
        ["partyId a number", { partyId: 7 }],
        ["partyId of 65 characters", { partyId: "p".repeat(65) }],
        ["sendSms a string", { partyId: t.partyId, sendSms: "yes" }],
        ["an unknown field", { partyId: t.partyId, channel: "email" }],
      ],
    },
  ];
}

function bodyCheck(operationId: string): Check {
  return {
    id: `bad-input.${operationId}`,
    title: `${operationId}: a body with a missing required field, a wrong type, an out-of-range value or an unknown field is 400 invalid_request`,
    rule: "#/components/responses/BadRequest (invalid_request) and the operation's request body schema (closed objects)",
    tags: ["negative"],
    async run(ctx) {
      const { target: t, real } = await target(ctx);
      const op = operations(t).find((o) => o.operationId === operationId)!;
      for (const [what, body] of op.badBodies(ctx, t)) {
        const result = await op.send(ctx, body);
        if (!real && result.status === 404) continue;
        if (
          ctx.expectRejected(`${operationId} with ${what}`, result) &&
          !ctx.options.exampleAnswers &&
          result.status === 400
        ) {
          ctx.expect(
            (result.error?.error?.details?.length ?? 0) > 0,
            `${operationId} with ${what}: invalid_request has no details entry`,
            result.exchange,
          );
        }
      }
    },
  };
}

const malformedJson: Check = {
  id: "bad-input.malformed-json",
  title: "every operation with a body answers malformed or empty JSON with 400 invalid_request",
  rule: "#/components/responses/BadRequest (invalid_request: malformed JSON)",
  tags: ["negative"],
  async run(ctx) {
    const { target: t, real } = await target(ctx);
    for (const op of operations(t)) {
      for (const [what, text] of [
        ["truncated JSON", '{"matterRef": "x"'],
        ["an empty body", ""],
        ["not JSON at all", "matterRef=x"],
      ]) {
        const result = await op.send(ctx, text, "application/json");
        if (!real && result.status === 404) continue;
        ctx.expectRejected(`${op.operationId} with ${what}`, result);
      }
    }
  },
};

const wrongContentType: Check = {
  id: "bad-input.content-type",
  title: "every operation with a body answers a non-JSON media type with 415 unsupported_media_type",
  rule: "#/components/responses/UnsupportedMediaType (unsupported_media_type)",
  tags: ["negative"],
  async run(ctx) {
    const { target: t, real } = await target(ctx);
    for (const op of operations(t)) {
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded"]) {
        const result = await op.send(ctx, '{"name":"x"}', contentType);
        if (!real && result.status === 404) continue;
        ctx.expectRejected(`${op.operationId} sent as ${contentType}`, result, 415, "unsupported_media_type");
      }
    }
  },
};

const payloadTooLarge: Check = {
  id: "bad-input.payload-too-large",
  title: "a body over 100 kB is 413 payload_too_large",
  rule: "#/components/responses/PayloadTooLarge (payload_too_large)",
  tags: ["negative"],
  async run(ctx) {
    const createCase = operations(absentIds(ctx)).find((o) => o.operationId === "createCase")!;
    const body = { matterRef: ctx.matterRef("too-large"), matterType: "x".repeat(150_000) };
    ctx.expectRejected("createCase with a 150 kB body", await createCase.send(ctx, body), 413, "payload_too_large");
  },
};

const tooLongPathId: Check = {
  id: "bad-input.path-id-too-long",
  title: "a caseId longer than its maxLength (64) is 400 invalid_request",
  rule: "#/components/parameters/caseId (OpaqueId, maxLength 64)",
  tags: ["negative"],
  async run(ctx) {
    const longId = `case_${"x".repeat(60)}`;
    for (const op of operations({ caseId: longId, partyId: absentIds(ctx).partyId }).filter(
      (o) => o.operationId === "addParty" || o.operationId === "sendInvite",
    )) {
      const body = op.operationId === "addParty" ? { name: "Jordan Client" } : { partyId: absentIds(ctx).partyId };
      ctx.expectRejected(`${op.operationId} on a 65-character caseId`, await op.send(ctx, body));
    }
  },
};

export const badInputChecks: Check[] = [
  ...["createSystemToken", "createCase", "addParty", "sendInvite"].map(bodyCheck),
  malformedJson,
  wrongContentType,
  payloadTooLarge,
  tooLongPathId,
];
