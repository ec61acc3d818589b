// `npm run test:designer`: the designer's loop on a copy of the repository, as README "The designer's loop" walks
// it. Three spec edits (a new optional response field; a new operation with a new scope, a request body and a link;
// a request field made required under the next major, with the path-prefix decision recorded), each followed by
// generate, lint, diff, build and the suite. Before the handler exists, each step that fails names the file to
// create; the only hand edits are the handler and its store query, which this test supplies as files.
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

const OPERATION = "checkPartyOnCase";
const SCOPE = "parties.check";
const PATH = "/v1/cases/{caseId}/party-checks";
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
      scheme["x-scopes"][SCOPE] = "Check whether an email belongs to a party of a case";
    });
    edit("spec/components/schemas/Scope.yaml", (schema) => schema.enum.push(SCOPE));
    // A token may ask for every scope: the scope arrays' caps follow the catalogue's size (lint names the value).
    for (const file of ["spec/components/schemas/SystemTokenRequest.yaml", "spec/components/schemas/Principal.yaml"]) {
      edit(file, (schema) => {
        const scopes = schema.properties.scopes;
        if (typeof scopes.maxItems === "number") scopes.maxItems = scopes.maxItems + 1;
      });
    }
    const email = parse(readFileSync(join(copy, "spec/components/schemas/PartyInput.yaml"), "utf8")).properties.email;
    write(
      "spec/components/schemas/PartyCheckRequest.yaml",
      stringify({
        type: "object",
        description: "The email to look for among the case's parties.",
        additionalProperties: false,
        required: ["email"],
        properties: { email: { ...email, description: "The email to look for." } },
      }),
    );
    write(
      "spec/components/schemas/PartyCheckResponse.yaml",
      stringify({
        type: "object",
        description: "Whether a party of the case has that email.",
        additionalProperties: false,
        required: ["ok", "caseId", "onCase"],
        properties: {
          ok: { type: "boolean", const: true },
          caseId: { $ref: "./OpaqueId.yaml" },
          onCase: { type: "boolean", description: "A party of the case has this email." },
        },
      }),
    );
    // addParty's refusals (the same path parameter, body and scope check), without its write-only ones.
    const template = parse(readFileSync(join(copy, "spec/paths/v1_cases_{caseId}_parties.yaml"), "utf8"));
    const { "201": created, "409": _conflict, "422": _unprocessable, ...refusals } = template.post.responses;
    write(
      "spec/paths/v1_cases_{caseId}_party-checks.yaml",
      stringify(
        {
          parameters: template.parameters,
          post: {
            operationId: OPERATION,
            summary: "Check whether an email is a party's",
            description: "Answers whether a party of the case has this email; another firm's case is `404`.",
            tags: ["Cases"],
            security: [{ systemToken: [SCOPE] }],
            // Lint asks each operation to be in a workflow of spec/workflows/ or to say why not.
            "x-flowless": "a lookup that no flow of the product page uses",
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: { $ref: "../components/schemas/PartyCheckRequest.yaml" },
                  examples: { anEmail: { summary: "An email", value: { email: "alex@example.com" } } },
                },
              },
            },
            responses: {
              "200": {
                description: "The answer.",
                headers: { "X-Request-Id": created.headers["X-Request-Id"] },
                content: {
                  "application/json": {
                    schema: { $ref: "../components/schemas/PartyCheckResponse.yaml" },
                    examples: {
                      onCase: { summary: "On the case", value: { ok: true, caseId: "case_opaque_id", onCase: true } },
                    },
                  },
                },
              },
              ...refusals,
            },
          },
        },
        { lineWidth: 0 },
      ),
    );
    edit("spec/openapi.yaml", (root) => {
      root.paths[PATH] = { $ref: "./paths/v1_cases_{caseId}_party-checks.yaml" };
    });
    // The link that feeds the new operation's path parameter (lint requires it): createCase's caseId.
    edit("spec/paths/v1_cases.yaml", (path) => {
      path.post.responses["201"].links[OPERATION] = {
        operationId: OPERATION,
        description: "Check an email against the new case's parties, by its `caseId`.",
        parameters: { caseId: "$response.body#/caseId" },
      };
    });
  });

  test("npm run generate regenerates everything from the spec", () => {
    const step = npm("generate", "generate");
    expect(step.code, step.output).toBe(0);
    expect(readFileSync(join(copy, "generated/handler-modules.ts"), "utf8")).toContain(HANDLER_FILE.slice(11));
  });

  test("npm run lint passes: no rule needs a hand-kept list of operations", () => {
    const step = npm("lint", "lint");
    expect(step.code, step.output).toBe(0);
  });

  test("npm run diff classes both edits as compatible (a new scope widens only what echoes the request)", () => {
    const step = npm("diff", "diff");
    expect(step.code, step.output).toBe(0);
    const ours = step.output.split("\n").filter((line) => /party-checks|completedAt|parties\.check|scopes/.test(line));
    console.log(`diff, the lines about the two edits:\n${ours.join("\n")}`);
    expect(ours.join("\n")).toContain("added operation POST /v1/cases/{caseId}/party-checks");
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
    expect(start.output).toContain(`${OPERATION} (POST ${PATH}) has no handler: create ${HANDLER_FILE}`);
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
    const reply = await call(server, "POST", "/v1/cases/case_1/party-checks", { token, body: { email: "a@example.com" } });
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
      "server-stub/store/party-check.ts",
      `// Whether a party of the firm's case has this email; undefined when the firm has no such case.
import type { Queryable } from "./handles.ts";

export async function partyEmailOnCase(
  db: Queryable,
  orgId: string,
  caseId: string,
  email: string,
): Promise<boolean | undefined> {
  const found = await db.selectFrom("cases").select("case_id").where("org_id", "=", orgId).where("case_id", "=", caseId).executeTakeFirst();
  if (found === undefined) return undefined;
  const party = await db.selectFrom("parties").select("party_id").where("case_id", "=", caseId).where("email", "=", email).executeTakeFirst();
  return party !== undefined;
}
`,
    );
    write(
      HANDLER_FILE,
      `import { ApiError } from "../errors/api-error.ts";
import { partyEmailOnCase } from "../store/party-check.ts";
import type { HandlerDeps } from "./deps.ts";
import type { OperationHandler, OperationReply } from "./operation-types.ts";

export function ${OPERATION}(deps: HandlerDeps): OperationHandler<"${OPERATION}"> {
  return async ({ path, body, principal }): Promise<OperationReply<"${OPERATION}">> => {
    const onCase = await partyEmailOnCase(deps.store.db, principal.orgId, path.caseId, body.email);
    if (onCase === undefined) throw new ApiError("case_not_found");
    return { status: 200, body: { ok: true, caseId: path.caseId, onCase } };
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

  test("edit 3: a request field made required under the next major; the diff fails until the prefix decision", () => {
    const root = parse(readFileSync(join(copy, "spec/openapi.yaml"), "utf8"));
    const major = Number(String(root.info.version).split(".")[0]) + 1;
    edit("spec/components/schemas/CreateCaseRequest.yaml", (schema) => schema.required.push("matterType"));
    edit("spec/openapi.yaml", (doc) => {
      doc.info.version = `${major}.0.0`;
    });
    expect(npm("generate (edit 3)", "generate").code).toBe(0);
    const undecided = npm("diff (edit 3, no prefix decision)", "diff");
    expect(undecided.code).toBe(1);
    expect(undecided.output).toContain(`the path prefix decision for ${major} is not recorded`);
    // The decision: keep /v1 for this major, with the reason (README "Releasing a major version").
    edit("spec/openapi.yaml", (doc) => {
      doc["x-path-prefix-kept"] = [
        { major, reason: "matterType becomes required; served under /v1 beside the old major during the migration" },
      ];
    });
    expect(npm("generate (edit 3, decided)", "generate").code).toBe(0);
    const decided = npm("diff (edit 3, decided)", "diff");
    expect(decided.code, decided.output).toBe(0);
    expect(decided.output).toContain("made request field matterType of POST /v1/cases required");
    const lint = npm("lint (edit 3)", "lint");
    expect(lint.code, lint.output).toBe(0);
    expect(readFileSync(join(copy, "CHANGELOG.md"), "utf8")).toMatch(/Breaking.*matterType/);
    const typecheck = npm("typecheck (edit 3)", "typecheck");
    expect(typecheck.code, typecheck.output).toBe(0);
    const suite = run("suite (edit 3)", "npx", ["vitest", "run", "test/server/cases.test.ts"]);
    expect(suite.code, suite.output).toBe(0);
  });
});
