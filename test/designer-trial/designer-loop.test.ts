// `npm run test:designer`: the designer's loop on a copy of the repository, as README "The designer's loop" walks
// it. Two spec edits (a new optional response field; a new operation with a new scope, a request body and a link),
// then generate, lint, diff, build and the suite. Before the handler exists, each step that fails names the file to
// create; the only hand edits are the handler and its store query, which this test supplies as files. The third
// edit of issue 16 (a required request field under the next major, with the path-prefix decision recorded) needs
// the prefix declaration from the spec/lint/diff work (branch designer-spec) and is left to the lead.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { repoRoot } from "../../contract/repo-paths.ts";

const OPERATION = "findCaseByMatterRef";
const SCOPE = "cases.lookup";
const HANDLER_FILE = `server-stub/handlers/${OPERATION}.ts`;

/** Left out of the copy: installed or built things, and what git keeps. */
const NOT_COPIED = new Set(["node_modules", "dist", ".git", ".data", ".ci"]);

interface Step {
  code: number;
  output: string;
  seconds: number;
}

const timings: Record<string, number> = {};

describe("the designer's loop on a copy of the repository", () => {
  let work: string;
  let copy: string;
  let sharedLinked: boolean;

  const run = (name: string, command: string, args: string[], env: Record<string, string> = {}): Step => {
    const start = performance.now();
    const result = spawnSync(command, args, {
      cwd: copy,
      encoding: "utf8",
      env: { ...process.env, CI: "", ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = Math.round((performance.now() - start) / 100) / 10;
    timings[name] = seconds;
    return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}`, seconds };
  };
  const npm = (name: string, ...args: string[]) => run(name, "npm", ["run", "--silent", ...args]);
  const edit = (file: string, change: (doc: any) => void) => {
    const path = join(copy, file);
    const doc = parse(readFileSync(path, "utf8"));
    change(doc);
    writeFileSync(path, stringify(doc, { lineWidth: 0 }));
  };
  const write = (file: string, text: string) => writeFileSync(join(copy, file), text);

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "designer-loop-"));
    copy = join(work, "main");
    cpSync(repoRoot, copy, { recursive: true, filter: (src) => !NOT_COPIED.has(src.slice(repoRoot.length + 1)) });
    symlinkSync(realpathSync(join(repoRoot, "node_modules")), join(copy, "node_modules"));
    // A repository of its own, for the tests that ask git (what .gitignore keeps out).
    spawnSync("git", ["init", "-q"], { cwd: copy });
    // The product page lives in ../shared: linked beside the copy as in the checkout, so the page checks run.
    const shared = join(repoRoot, "../shared");
    sharedLinked = existsSync(shared);
    if (sharedLinked) symlinkSync(realpathSync(shared), join(work, "shared"));
  });
  afterAll(() => {
    console.log(`designer loop timings (s): ${JSON.stringify(timings)}; ../shared linked: ${sharedLinked}`);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("edit 1: a new optional response field; edit 2: a new operation with a new scope, a request body and a link", () => {
    edit("spec/components/schemas/CaseResponse.yaml", (schema) => {
      schema.properties.completedAt = {
        type: ["string", "null"],
        format: "date-time",
        maxLength: 40,
        description: "When the case was completed; null until then. Added after the product page, so optional.",
      };
    });
    // The new scope: the catalogue and the Scope enum (lint requires them equal).
    edit("spec/components/securitySchemes/systemToken.yaml", (scheme) => {
      scheme["x-scopes"][SCOPE] = "Find a case by its matterRef";
    });
    edit("spec/components/schemas/Scope.yaml", (schema) => schema.enum.push(SCOPE));
    // A token may ask for every scope: the scope arrays' caps follow the catalogue's size.
    for (const file of ["spec/components/schemas/SystemTokenRequest.yaml", "spec/components/schemas/Principal.yaml"]) {
      edit(file, (schema) => {
        const scopes = schema.properties.scopes;
        if (typeof scopes.maxItems === "number") scopes.maxItems = scopes.maxItems + 1;
      });
    }
    const matterRef = parse(readFileSync(join(copy, "spec/components/schemas/CreateCaseRequest.yaml"), "utf8"))
      .properties.matterRef;
    write(
      "spec/components/schemas/CaseLookupRequest.yaml",
      stringify({
        type: "object",
        description: "Which case to find.",
        additionalProperties: false,
        required: ["matterRef"],
        properties: { matterRef: { ...matterRef, "x-unique": undefined } },
      }),
    );
    write(
      "spec/components/schemas/CaseLookupResponse.yaml",
      stringify({
        type: "object",
        description: "The case with that matterRef.",
        additionalProperties: false,
        required: ["caseId"],
        properties: { caseId: { $ref: "./OpaqueId.yaml" } },
      }),
    );
    // The responses every scoped read has (listCaseIds'), with its own 200 and a 404 for no such case.
    const template = parse(readFileSync(join(copy, "spec/paths/v1_microapps_api_cases_ids.yaml"), "utf8")).get;
    const responses = { ...template.responses };
    responses["200"] = {
      description: "The case.",
      headers: template.responses["200"].headers,
      content: {
        "application/json": {
          schema: { $ref: "../components/schemas/CaseLookupResponse.yaml" },
          examples: { found: { summary: "A case", value: { caseId: "case_opaque_id" } } },
        },
      },
      links: {
        addParty: {
          operationId: "addParty",
          description: "Parties are added to the case found, by its `caseId`.",
          parameters: { caseId: "$response.body#/caseId" },
        },
      },
    };
    responses["404"] = { $ref: "../components/responses/NotFound.yaml" };
    write(
      "spec/paths/v1_cases_lookups.yaml",
      stringify(
        {
          post: {
            operationId: OPERATION,
            summary: "Find a case by its matterRef",
            description: "Finds the firm's case with this `matterRef`; another firm's case is `404`.",
            tags: ["Cases"],
            security: [{ systemToken: [SCOPE] }],
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: { $ref: "../components/schemas/CaseLookupRequest.yaml" },
                  examples: { byMatterRef: { summary: "A matterRef", value: { matterRef: "MAT-2026-001" } } },
                },
              },
            },
            responses,
          },
        },
        { lineWidth: 0 },
      ),
    );
    edit("spec/openapi.yaml", (root) => {
      root.paths["/v1/cases/lookups"] = { $ref: "./paths/v1_cases_lookups.yaml" };
    });
  });

  test("npm run generate regenerates everything from the spec", () => {
    const step = npm("generate", "generate");
    expect(step.code, step.output).toBe(0);
    expect(readFileSync(join(copy, "generated/handler-modules.ts"), "utf8")).toContain(HANDLER_FILE.slice(11));
  });

  test("npm run lint passes, but for the rate-limit rule's hand-kept list of operations (issue 16, lint work)", () => {
    const step = npm("lint", "lint");
    // Each error line, with the file Spectral names above it.
    let file = "";
    const errors: string[] = [];
    for (const line of step.output.split("\n")) {
      if (line.startsWith("/")) file = line;
      else if (/^\s*\d+:\d+\s+error\s/.test(line)) errors.push(`${file}: ${line.trim()}`);
    }
    // lint/spectral.yaml still lists by hand the operations without a rate limit; until that list is gone (branch
    // designer-spec), the new operation's 200 is its one error. Anything else fails the trial.
    const listGap = (error: string) =>
      error.includes("owasp:api4:2023-rate-limit") && /lookups/.test(error) && error.includes("responses[200]");
    expect(
      errors.filter((error) => !listGap(error)),
      step.output,
    ).toEqual([]);
    console.log(`lint: ${errors.length === 0 ? "passed" : `only the rate-limit list gap:\n${errors.join("\n")}`}`);
  });

  test("npm run diff classes both edits as compatible, but for the scope cap in responses (issue 16, diff work)", () => {
    const step = npm("diff", "diff");
    // Until the diff knows that principal.scopes only echoes what the client asked for (branch designer-spec),
    // raising its cap with the catalogue is its one breaking change. Anything else fails the trial.
    if (step.code !== 0) {
      const breaking = /Breaking \((\d+)\)\n((?: {2}- .*\n)*)/.exec(step.output);
      expect(breaking?.[1], step.output).toBe("1");
      expect(breaking?.[2], step.output).toMatch(
        /changed maxItems of response field principal\.scopes of POST \/v1\/microapps\/system-tokens/,
      );
    }
    const ours = step.output
      .split("\n")
      .filter((line) => /lookups|completedAt|cases\.lookup|scopes|Breaking \(|^(OK|FAIL)/.test(line));
    console.log(`diff, the lines about the two edits:\n${ours.join("\n")}`);
  });

  test("before the handler exists: the build succeeds, typecheck and npm start fail naming the file to create", () => {
    const build = npm("build (no handler)", "build");
    expect(build.code, build.output).toBe(0);
    const typecheck = npm("typecheck (no handler)", "typecheck");
    expect(typecheck.code).not.toBe(0);
    expect(typecheck.output).toContain(`Cannot find module '../${HANDLER_FILE}'`);
    const start = run("npm start (no handler)", "npm", ["start", "--silent"], {
      DATA_DIR: join(work, "data"),
      PORT: "0",
      UNIMPLEMENTED_OPERATIONS: "",
    });
    expect(start.code).toBe(2);
    expect(start.output).toContain(`${OPERATION} (POST /v1/cases/lookups) has no handler: create ${HANDLER_FILE}`);
  });

  test("the suite runs before the handler exists: the new operation answers 501 and names the file", () => {
    write(
      "test/server/designer-trial-501.test.ts",
      `import { expect, test } from "vitest";
import { startInProcess } from "../support/reference-server.ts";
import { call, tokenFor } from "./harness.ts";

test("${OPERATION} answers 501 not_implemented before its handler exists", async () => {
  const lines: string[] = [];
  const server = await startInProcess({ env: { LOG_LEVEL: "warn" }, logDestination: { write: (l: string) => void lines.push(l) } });
  try {
    expect(lines.join("\\n")).toContain("create ${HANDLER_FILE}");
    const token = await tokenFor(server, server, ["${SCOPE}"]);
    const reply = await call(server, "POST", "/v1/cases/lookups", { token, body: { matterRef: "MAT-1" } });
    expect(reply.status).toBe(501);
  } finally {
    await server.close();
  }
});
`,
    );
    const step = run("suite (no handler)", "npx", ["vitest", "run", "test/server/designer-trial-501.test.ts"]);
    expect(step.code, step.output).toBe(0);
    rmSync(join(copy, "test/server/designer-trial-501.test.ts"));
  });

  test("the hand edits: the handler and its store query, two new files; then typecheck, build and the suite pass", () => {
    write(
      "server-stub/store/case-lookup.ts",
      `// The case a firm's matterRef names (the unique index on org_id, matter_ref makes it at most one).
import type { Queryable } from "./handles.ts";

export async function findCaseIdByMatterRef(db: Queryable, orgId: string, matterRef: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("cases")
    .select("case_id")
    .where("org_id", "=", orgId)
    .where("matter_ref", "=", matterRef)
    .executeTakeFirst();
  return row?.case_id;
}
`,
    );
    write(
      HANDLER_FILE,
      `import { ApiError } from "../errors/api-error.ts";
import { findCaseIdByMatterRef } from "../store/case-lookup.ts";
import type { HandlerDeps } from "./deps.ts";
import type { OperationHandler, OperationReply } from "./operation-types.ts";

export function ${OPERATION}(deps: HandlerDeps): OperationHandler<"${OPERATION}"> {
  return async ({ body, principal }): Promise<OperationReply<"${OPERATION}">> => {
    const caseId = await findCaseIdByMatterRef(deps.store.db, principal.orgId, body.matterRef);
    if (caseId === undefined) throw new ApiError("case_not_found");
    return { status: 200, body: { caseId } };
  };
}
`,
    );
    const typecheck = npm("typecheck", "typecheck");
    expect(typecheck.code, typecheck.output).toBe(0);
    const build = npm("build", "build");
    expect(build.code, build.output).toBe(0);
    const list = run("conformance --list", "npx", ["tsx", "test/conformance/cli.ts", "--list"]);
    expect(list.code, list.output).toBe(0);
    expect(list.output).toContain(OPERATION);
    console.log(
      list.output
        .split("\n")
        .filter((line) => line.includes(OPERATION))
        .join("\n"),
    );
    const suite = run("suite", "npx", [
      "vitest",
      "run",
      "test/contract",
      "test/server/app-handlers.test.ts",
      "test/server/cases.test.ts",
      "test/server/tokens.test.ts",
      "test/conformance/reference-server.test.ts",
    ]);
    expect(suite.code, suite.output).toBe(0);
  });
});
