// One valid request for each scoped operation, so that the auth and scope checks can send "the same request with
// another token" to every operation. Ids default to ones that do not exist: a conforming server refuses these
// requests on the token before it looks anything up, so nothing is written.
import type { CallResult, Scope } from "../client.ts";
import type { CheckContext } from "../context.ts";
import { scopeOf } from "../spec.ts";

export interface Target {
  caseId: string;
  partyId: string;
}

export interface ScopedOperation {
  operationId: string;
  scope: Scope;
  send(ctx: CheckContext, headers: Record<string, string>, target?: Target): Promise<CallResult>;
}

/** Ids no firm has: short enough for the schema, so the answer for them is a 404. */
export function absentIds(ctx: CheckContext): Target {
  const suffix = ctx.runId.slice(-6);
  return { caseId: `case_conformance_absent_${suffix}`, partyId: `party_conformance_absent_${suffix}` };
}

export const SCOPED_OPERATIONS: ScopedOperation[] = [
  {
    operationId: "createCase",
    scope: scopeOf("createCase"),
    send: (ctx, headers) =>
      ctx.call(
        ctx.api.POST("/v1/cases", {
          headers,
          body: { matterRef: ctx.matterRef("scope"), matterType: "Purchase", parties: [] },
        }),
      ),
  },
  {
    operationId: "addParty",
    scope: scopeOf("addParty"),
    send: (ctx, headers, target = absentIds(ctx)) =>
      ctx.call(
        ctx.api.POST("/v1/cases/{caseId}/parties", {
          params: { path: { caseId: target.caseId } },
          headers,
          body: { name: "Sam Scope", email: "sam@example.com", role: "Buyer" },
        }),
      ),
  },
  {
    operationId: "sendInvite",
    scope: scopeOf("sendInvite"),
    send: (ctx, headers, target = absentIds(ctx)) =>
      ctx.call(
        ctx.api.POST("/v1/cases/{caseId}/invites", {
          params: { path: { caseId: target.caseId } },
          headers,
          body: { partyId: target.partyId, sendSms: false },
        }),
      ),
  },
  {
    operationId: "listCaseIds",
    scope: scopeOf("listCaseIds"),
    send: (ctx, headers) =>
      ctx.call(ctx.api.GET("/v1/microapps/api/cases/ids", { params: { query: { limit: 1 } }, headers })),
  },
  {
    operationId: "listUsers",
    scope: scopeOf("listUsers"),
    send: (ctx, headers) =>
      ctx.call(ctx.api.GET("/v1/microapps/api/users", { params: { query: { limit: 1 } }, headers })),
  },
];
