// A reply is checked against the spec inside its write transaction: one the spec refuses is 500 and rolls back,
// so nothing was written (no case, no audit row, no idempotency record) and the client's retry succeeds.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { OperationHandler, ResponseBody } from "../../server-stub/handlers/operation-types.ts";
import { insertAuditEntries } from "../../server-stub/store/audit.ts";
import { insertCase } from "../../server-stub/store/cases.ts";
import { startInProcess, type InProcessServer } from "../support/reference-server.ts";
import { caseBody } from "../support/request-bodies.ts";
import { call, errorCode, tokenFor } from "./harness.ts";

describe("a reply the spec refuses rolls its write back", () => {
  let server: InProcessServer;
  let token: string;
  /** How many of the next createCase calls answer a reply the spec refuses, after writing the case and its audit row. */
  let broken = 0;

  beforeAll(async () => {
    const createCase: OperationHandler<"createCase"> = async ({ body, principal, requestId, write }) =>
      write(async (trx) => {
        const now = new Date();
        const caseId = await insertCase(trx, { ...body, orgId: principal.orgId, createdByAppId: principal.appId }, now);
        const actor = { appId: principal.appId, identifier: principal.identifier };
        await insertAuditEntries(
          trx,
          [{ orgId: principal.orgId, caseId, actor, requestId, action: "case.created", targetId: caseId }],
          now,
        );
        const reply: ResponseBody<"createCase", 201> = { caseId, status: "NotStarted", parties: [] };
        // The spec's CaseResponse requires `status`: this one leaves it out.
        return { status: 201, body: broken-- > 0 ? ({ ...reply, status: undefined } as never) : reply };
      });
    server = await startInProcess({ handlers: { createCase } });
    token = await tokenFor(server, server, ["cases.create"]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const rows = async (matterRef: string) => {
    const cases = await server.store.db
      .selectFrom("cases")
      .select("case_id")
      .where("matter_ref", "=", matterRef)
      .execute();
    const audit = await server.store.db
      .selectFrom("audit")
      .select("audit_id")
      .where("case_id", "in", ["", ...cases.map((c) => c.case_id)])
      .execute();
    const keys = await server.store.db.selectFrom("idempotency_keys").select("idempotency_key").execute();
    return { cases: cases.length, audit: audit.length, keys: keys.length };
  };

  test("500 internal_error, no case written, and the retry with the same matterRef is 201, not 409", async () => {
    const body = caseBody();
    broken = 1;
    const refused = await call(server, "POST", "/v1/cases", { token, body });
    expect(refused.status).toBe(500);
    expect(errorCode(refused)).toBe("internal_error");
    expect(await rows(body.matterRef)).toEqual({ cases: 0, audit: 0, keys: 0 });
    const retry = await call(server, "POST", "/v1/cases", { token, body });
    expect(retry.status).toBe(201);
    expect(await rows(body.matterRef)).toMatchObject({ cases: 1, audit: 1 });
  });

  test("with an Idempotency-Key: no idempotency record is kept, so the retry runs (201) instead of replaying the 500", async () => {
    const body = caseBody();
    const headers = { "Idempotency-Key": `reply-check-${body.matterRef}` };
    const keysBefore = (await rows(body.matterRef)).keys;
    broken = 1;
    expect((await call(server, "POST", "/v1/cases", { token, body, headers })).status).toBe(500);
    expect(await rows(body.matterRef)).toEqual({ cases: 0, audit: 0, keys: keysBefore });
    const retry = await call(server, "POST", "/v1/cases", { token, body, headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(await rows(body.matterRef)).toEqual({ cases: 1, audit: 1, keys: keysBefore + 1 });
  });
});
