// Evolution is proved, not hoped: a copy of the spec adds an operation (an existing scope, a request body, a path
// parameter linked from createCase's 201), the reference server serves it with a handler this test supplies, and the
// suite, given the copy with --spec / runSuite's bundle, lists and runs the new operation's generic checks and
// reports its coverage with no change to the suite's code: they pass against a handler that keeps the contract and
// fail against one that does not enforce a constraint. The server validates requests against the bundle it serves,
// so the unenforced constraint is made by serving a copy with a looser maxLength than the copy the suite reads.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { readBundle, repoFiles, repoRoot } from "../../contract/index.ts";
import type { UntypedHandler } from "../../server-stub/handlers/operation-types.ts";
import { formatReport } from "../conformance/report.ts";
import { runSuite } from "../conformance/runner.ts";
import { startInProcess } from "../support/reference-server.ts";

const NEW_OPERATION = "addCaseNote";
/** The suite's copy refuses a note over this many characters... */
const SUITE_MAX_LENGTH = 10;
/** ...and the faulty server's copy lets through up to this many. */
const LOOSE_MAX_LENGTH = 50;
/** Two whole runs against an in-process server on a loaded machine. */
const RUN_MS = 120_000;

/** generated/openapi.yaml plus POST /v1/cases/{caseId}/notes under cases.create, linked from createCase's 201. */
function bundleWithNotes(dir: string, name: string, maxLength: number): string {
  const doc = parse(stringify(readBundle(repoFiles.bundle)));
  const created = doc.paths["/v1/cases"].post.responses["201"];
  created.links[NEW_OPERATION] = { operationId: NEW_OPERATION, parameters: { caseId: "$response.body#/caseId" } };
  const {
    "409": _conflict,
    "422": _unprocessable,
    ...errors
  } = Object.fromEntries(
    Object.entries(doc.paths["/v1/cases/{caseId}/parties"].post.responses).filter(([status]) => Number(status) >= 400),
  );
  doc.paths["/v1/cases/{caseId}/notes"] = {
    post: {
      operationId: NEW_OPERATION,
      summary: "Add a note to a case",
      tags: ["Cases"],
      security: [{ systemToken: ["cases.create"] }],
      parameters: [
        { name: "caseId", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 64 } },
      ],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              additionalProperties: false,
              required: ["text"],
              properties: { text: { type: "string", minLength: 1, maxLength } },
            },
          },
        },
      },
      responses: {
        "201": {
          description: "The note was added.",
          headers: { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" } },
          content: {
            "application/json": {
              schema: {
                type: "object",
                additionalProperties: false,
                required: ["caseId", "noteId"],
                properties: { caseId: { type: "string" }, noteId: { type: "string" } },
              },
            },
          },
        },
        ...errors,
      },
    },
  };
  const path = join(dir, name);
  writeFileSync(path, stringify(doc));
  return path;
}

/** The test's own implementation of the new operation: it keeps no notes, it only answers. */
let notes = 0;
const addCaseNote: UntypedHandler = async ({ path }) => ({
  status: 201,
  body: { caseId: path.caseId, noteId: `note_${++notes}` },
});

let dir: string;
let suiteBundle: string;
let looseBundle: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "conformance-evolution-"));
  suiteBundle = bundleWithNotes(dir, "openapi.yaml", SUITE_MAX_LENGTH);
  looseBundle = bundleWithNotes(dir, "openapi-loose.yaml", LOOSE_MAX_LENGTH);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The suite against a server serving `served` with the test's handler, holding it to the suite's copy. */
async function runAgainst(served: string) {
  const server = await startInProcess({ bundle: served, handlers: { [NEW_OPERATION]: addCaseNote } });
  try {
    return await runSuite({ ...server, bundle: suiteBundle });
  } finally {
    await server.close();
  }
}

describe("the suite given a copy of the spec with a new operation", () => {
  it("lists the new operation's generic checks with --spec, with no change to the suite", async () => {
    const { stdout } = await promisify(execFile)(
      join(repoRoot, "node_modules/.bin/tsx"),
      ["test/conformance/cli.ts", "--list", "--spec", suiteBundle],
      { cwd: repoRoot },
    );
    const ids = stdout.split("\n").map((line) => line.split(" ")[0]);
    expect(ids).toEqual(expect.arrayContaining([`bad-input.${NEW_OPERATION}`, `boundaries.${NEW_OPERATION}`]));
    const { stdout: plain } = await promisify(execFile)(
      join(repoRoot, "node_modules/.bin/tsx"),
      ["test/conformance/cli.ts", "--list"],
      { cwd: repoRoot },
    );
    expect(plain).not.toContain(NEW_OPERATION);
  });

  it(
    "runs them, follows the link and reports the operation's coverage: all pass against a handler that keeps it",
    async () => {
      const report = await runAgainst(suiteBundle);
      expect(
        report.results.filter((r) => r.outcome === "failed").map((r) => r.id),
        formatReport(report),
      ).toEqual([]);
      for (const id of [`bad-input.${NEW_OPERATION}`, `boundaries.${NEW_OPERATION}`])
        expect(report.results.find((r) => r.id === id)?.outcome).toBe("passed");
      const coverage = report.coverage.operations.find((o) => o.operationId === NEW_OPERATION);
      // A followed link is counted on the exchange that gave the value: createCase's.
      const source = report.coverage.operations.find((o) => o.operationId === "createCase");
      expect(source?.linksFollowed).toContain(`createCase.${NEW_OPERATION}`);
      expect(coverage?.constraints).toEqual(
        expect.arrayContaining([
          `/body/text breaks maxLength ${SUITE_MAX_LENGTH}`,
          `/body/text exactly on maxLength ${SUITE_MAX_LENGTH}`,
          "/body/undeclaredProperty breaks additionalProperties false",
        ]),
      );
      const observed = coverage?.observed.map((t) => `${t.status} ${t.code}`);
      expect(observed).toEqual(
        expect.arrayContaining(["201 ", "400 invalid_request", "401 no_token", "403 insufficient_scope"]),
      );
    },
    RUN_MS,
  );

  it(
    "fails the new operation's constraint check against a server that does not enforce its maxLength",
    async () => {
      const report = await runAgainst(looseBundle);
      const failed = report.results.filter((r) => r.outcome === "failed");
      expect(
        failed.map((r) => r.id),
        formatReport(report),
      ).toEqual([`bad-input.${NEW_OPERATION}`]);
      expect(failed[0].failures.map((f) => f.message).join("\n")).toContain(
        `${NEW_OPERATION} with /body/text breaks maxLength ${SUITE_MAX_LENGTH}: expected 400 invalid_request, got 201`,
      );
    },
    RUN_MS,
  );
});
