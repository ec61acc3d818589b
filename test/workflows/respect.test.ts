// `npm run workflows` runs spec/workflows/ with Redocly Respect: against one reference server (all of them, then a
// second run beside --read-only and a refused secret), the stateless ones against the Prism mock, and it keeps the
// secret and every token out of its console and its JSON report. Each run is made once, in beforeAll; the runs that
// cannot disturb each other (only one of them writes) run at the same time.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract, repoRoot } from "../../contract/index.ts";
import { entryWorkflows, loadWorkflowFiles, workflowWrites } from "../../contract/workflows.ts";
import { startPrism, type RunningPrism } from "../support/prism.ts";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";

const run = promisify(execFile);
// Respect is slow on a loaded machine: these are hang guards, not durations.
const RUN_TIMEOUT_MS = 240_000;
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

interface Outcome {
  code: number;
  output: string;
  report: any;
}

const contract = loadContract();
const files = loadWorkflowFiles();
const entries = files.flatMap((file) => entryWorkflows(file).map((workflow) => ({ file, workflow })));
const dir = mkdtempSync(join(tmpdir(), "verify-client-workflows-"));
let server: ReferenceServer;

async function workflows(args: string[], env: Record<string, string>): Promise<Outcome> {
  const report = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  try {
    const { stdout, stderr } = await run("npm", ["run", "-s", "workflows", "--", ...args, "--report", report], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1", ...env },
      timeout: RUN_TIMEOUT_MS,
    });
    return { code: 0, output: stdout + stderr, report: JSON.parse(readFileSync(report, "utf8")) };
  } catch (error: any) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(report, "utf8"));
    } catch {}
    return { code: error.code, output: `${error.stdout}${error.stderr}`, report: parsed };
  }
}

const credentials = () => ({
  VERIFY_CLIENT_BASE_URL: server.baseUrl,
  VERIFY_CLIENT_CLIENT_ID: server.clientId,
  VERIFY_CLIENT_CLIENT_SECRET: server.clientSecret,
});

/** The entry workflows a Respect report ran, by id. */
function ran(report: any): string[] {
  return Object.values(report.files as Record<string, any>)
    .flatMap((file) => file.executedWorkflows.map((w: any) => w.workflowId))
    .sort();
}

let runs: { first: Outcome; second: Outcome; readOnly: Outcome; refused: Outcome };

beforeAll(async () => {
  server = await startReferenceServer();
  const first = await workflows([], credentials());
  // The second run is the only one that writes; the read-only flows create nothing its walks could meet.
  const [second, readOnly, refused] = await Promise.all([
    workflows([], credentials()),
    workflows(["--read-only"], credentials()),
    workflows(["--read-only"], { ...credentials(), VERIFY_CLIENT_CLIENT_SECRET: "wrong-secret-x" }),
  ]);
  runs = { first, second, readOnly, refused };
}, 2 * RUN_TIMEOUT_MS);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run workflows against the reference server", () => {
  it("every workflow passes, twice (fresh matterRefs and destinations), and no secret or token is printed or reported", () => {
    for (const [attempt, outcome] of [
      [1, runs.first],
      [2, runs.second],
    ] as const) {
      expect(outcome.code, `run ${attempt}:\n${outcome.output}`).toBe(0);
      expect(outcome.report.status).toBe("success");
      expect(ran(outcome.report)).toEqual(entries.map((e) => e.workflow.workflowId).sort());
      for (const text of [outcome.output, JSON.stringify(outcome.report)]) {
        expect(text).not.toContain(server.clientSecret);
        expect(text).not.toMatch(JWT);
      }
    }
  });

  it("--read-only runs only the workflows that write nothing", () => {
    const outcome = runs.readOnly;
    expect(outcome.code, outcome.output).toBe(0);
    const readOnly = entries.filter((e) => !workflowWrites(contract, e.file, e.workflow));
    expect(readOnly.length).toBeGreaterThan(0);
    expect(ran(outcome.report)).toEqual(readOnly.map((e) => e.workflow.workflowId).sort());
  });

  it("a refused secret fails the run (exit 1) and is not printed", () => {
    const outcome = runs.refused;
    expect(outcome.code).toBe(1);
    expect(outcome.output).not.toContain("wrong-secret-x");
    expect(JSON.stringify(outcome.report)).not.toContain("wrong-secret-x");
  });
});

describe("npm run workflows: usage", () => {
  it("missing credentials, a base URL that is not http and a report that is not .json exit 2 with one line", async () => {
    const empty = { VERIFY_CLIENT_BASE_URL: "", VERIFY_CLIENT_CLIENT_ID: "", VERIFY_CLIENT_CLIENT_SECRET: "" };
    const [missing, badUrl, { stdout }] = await Promise.all([
      workflows([], empty),
      workflows(["--base-url", "localhost:8081"], {
        ...empty,
        VERIFY_CLIENT_CLIENT_ID: "x",
        VERIFY_CLIENT_CLIENT_SECRET: "y",
      }),
      run("npm", ["run", "-s", "workflows", "--", "--help"], { cwd: repoRoot }),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain(
      "missing --base-url (or VERIFY_CLIENT_BASE_URL), --client-id (or VERIFY_CLIENT_CLIENT_ID), --client-secret (or VERIFY_CLIENT_CLIENT_SECRET)",
    );
    expect(badUrl.code).toBe(2);
    expect(badUrl.output).toContain('--base-url "localhost:8081" is not an http:// or https:// URL');
    expect(stdout).toContain("--read-only");
  }, 60_000);
});

describe("the stateless workflows against the Prism mock", () => {
  let prism: RunningPrism;
  beforeAll(async () => {
    prism = await startPrism();
  }, 60_000);
  afterAll(async () => {
    await prism?.close();
  });

  // Stateless: writes nothing and expects only successes (the mock checks no scope, so it never refuses).
  const stateless = entries.filter(
    ({ file, workflow }) =>
      !workflowWrites(contract, file, workflow) && !readFileSync(file.path, "utf8").match(/\$statusCode == [45]\d\d/),
  );

  it(
    "pass against the examples the mock answers with",
    async () => {
      expect(stateless.map((s) => s.workflow.workflowId)).toContain("walkCaseIds");
      for (const { file, workflow } of stateless) {
        const others = file.workflows.filter((w) => w !== workflow).map((w) => w.workflowId);
        const { stdout } = await run(
          join(repoRoot, "node_modules/.bin/redocly"),
          [
            "respect",
            file.path,
            "--server",
            `${file.sourceNames[0]}=${prism.baseUrl}`,
            ...(others.length ? ["--skip", others.join(",")] : []),
          ],
          {
            cwd: repoRoot,
            env: {
              ...process.env,
              NO_COLOR: "1",
              REDOCLY_TELEMETRY: "off",
              VERIFY_CLIENT_CLIENT_ID: "00000000-0000-0000-0000-000000000000",
              VERIFY_CLIENT_CLIENT_SECRET: "stored-secret",
            },
            timeout: RUN_TIMEOUT_MS,
          },
        );
        expect(stdout).toContain("Workflows: 1 passed, 1 total");
      }
    },
    RUN_TIMEOUT_MS,
  );
});
