// createApp's typed dependencies: a test can replace a handler, or serve a changed copy of the spec with a handler
// for an operation only that copy declares (what the conformance suite's evolution test and the designer's loop
// rely on).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { loadContract, readBundle, repoFiles } from "../../contract/index.ts";
import type { OperationHandler, UntypedHandler } from "../../server-stub/handlers/operation-types.ts";
import { startInProcess, type InProcessServer } from "../support/reference-server.ts";
import { call, errorCode, tokenFor } from "./harness.ts";

/** The bundle with one more operation: GET /v1/cases/{caseId}/<name> under the cases.create scope. */
function bundleWithOperation(dir: string, operationId: string, name: string): string {
  const doc = parse(stringify(readBundle(repoFiles.bundle)));
  doc.paths[`/v1/cases/{caseId}/${name}`] = {
    get: {
      operationId,
      summary: "Echo a case id",
      security: [{ systemToken: ["cases.create"] }],
      parameters: [{ name: "caseId", in: "path", required: true, schema: { type: "string", maxLength: 64 } }],
      responses: {
        "200": {
          description: "The id",
          content: {
            "application/json": {
              schema: {
                type: "object",
                additionalProperties: false,
                required: ["caseId"],
                properties: { caseId: { type: "string" } },
              },
            },
          },
        },
      },
    },
  };
  const path = join(dir, `${operationId}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}

describe("createApp handlers and bundle", () => {
  let dir: string;
  let server: InProcessServer;
  const seen: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "app-handlers-"));
    const listUsers: OperationHandler<"listUsers"> = async ({ principal }) => {
      seen.push(principal.orgId);
      return { status: 200, body: { ok: true, items: [], nextCursor: null } };
    };
    const echoCaseId: UntypedHandler = async ({ path }) => ({ status: 200, body: { caseId: path.caseId } });
    server = await startInProcess({
      bundle: bundleWithOperation(dir, "echoCaseId", "echo"),
      handlers: { listUsers, echoCaseId },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a replaced handler answers in place of the built-in one", async () => {
    const token = await tokenFor(server, server, ["users.list"]);
    const reply = await call(server, "GET", loadContract().operation("listUsers").path, { token });
    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([]);
    expect(seen).toEqual([server.orgId]);
  });

  test("an operation only the changed copy declares is routed, authenticated and validated", async () => {
    const token = await tokenFor(server, server, ["cases.create"]);
    expect((await call(server, "GET", "/v1/cases/case_1/echo", { token })).body).toEqual({ caseId: "case_1" });
    expect((await call(server, "GET", "/api/v1/cases/case_1/echo", { token })).body).toEqual({ caseId: "case_1" });
    expect((await call(server, "GET", "/v1/cases/case_1/echo")).status).toBe(401);
    const narrow = await tokenFor(server, server, ["users.list"]);
    expect((await call(server, "GET", "/v1/cases/case_1/echo", { token: narrow })).status).toBe(403);
    expect((await call(server, "GET", `/v1/cases/${"x".repeat(65)}/echo`, { token })).status).toBe(400);
  });
});

describe("an operation in the spec without its handler file", () => {
  let dir: string;
  let bundle: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "app-unimplemented-"));
    bundle = bundleWithOperation(dir, "summariseCase", "summary");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("with UNIMPLEMENTED_OPERATIONS=501 (the harness's default) it answers 501 not_implemented, after authentication, and is warned at start naming the file to create", async () => {
    const lines: string[] = [];
    const server = await startInProcess({
      bundle,
      env: { LOG_LEVEL: "warn" },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    try {
      const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.operationId === "summariseCase");
      expect(warning?.msg).toContain("create server-stub/handlers/summariseCase.ts exporting summariseCase(deps)");
      const token = await tokenFor(server, server, ["cases.create"]);
      const reply = await call(server, "GET", "/v1/cases/case_1/summary", { token });
      expect(reply.status).toBe(501);
      expect(errorCode(reply)).toBe("not_implemented");
      expect(loadContract(bundle).unroutedResponses["501"]).toBeDefined();
      expect((await call(server, "GET", "/v1/cases/case_1/summary")).status).toBe(401);
      // The operations that have their files still answer.
      expect((await call(server, "GET", loadContract().operation("listUsers").path, { token })).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  test("without the switch the app refuses to start, naming the operation and the file to create", async () => {
    const start = startInProcess({ bundle, env: { UNIMPLEMENTED_OPERATIONS: "refuse" } });
    await expect(start).rejects.toThrow(
      "summariseCase (GET /v1/cases/{caseId}/summary) has no handler: create server-stub/handlers/summariseCase.ts",
    );
  });
});
