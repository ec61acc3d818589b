// `npm run conformance` (tsx test/conformance/cli.ts) as a partner runs it: exit status, output, JUnit file.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/repo-paths.ts";
import { freePort } from "../support/ports.ts";
import { startInProcess, startReferenceServer, type InProcessServer } from "../support/reference-server.ts";
import { startContractBreakingProxy, type ContractBreakingProxy } from "./contract-breaking-proxy.ts";
import { FAULTS } from "./faults.ts";
import { suiteSpec } from "./spec.ts";
import { exchange } from "../server/harness.ts";

const TSX = join(repoRoot, "node_modules/.bin/tsx");
/** A whole run in a child process: a few seconds alone, several times that on a loaded machine. */
const FULL_RUN_MS = 90_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The failed token exchanges the server has counted. */
async function tokenFailures(server: InProcessServer): Promise<number> {
  const row = await server.store.db
    .selectFrom("token_failures")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function conformance(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return tsx(["test/conformance/cli.ts", ...args], env);
}

/** A TypeScript entry point run as `npm run` runs it, without the caller's VERIFY_CLIENT_* variables. */
function tsx(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return run(TSX, args, env);
}

/** A command in the repository, without the caller's VERIFY_CLIENT_* variables. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const {
    VERIFY_CLIENT_BASE_URL: _u,
    VERIFY_CLIENT_CLIENT_ID: _i,
    VERIFY_CLIENT_CLIENT_SECRET: _s,
    ...inherited
  } = process.env;
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: repoRoot, env: { ...inherited, ...env }, timeout: FULL_RUN_MS },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe("npm run conformance", () => {
  let server: InProcessServer;
  let faulty: ContractBreakingProxy;
  let tmp: string;
  const credentials = () => ({
    VERIFY_CLIENT_CLIENT_ID: server.clientId,
    VERIFY_CLIENT_CLIENT_SECRET: server.clientSecret,
  });

  beforeAll(async () => {
    server = await startInProcess();
    faulty = await startContractBreakingProxy(
      server.baseUrl,
      FAULTS.find((f) => f.id === "duplicates-accepted"),
    );
    tmp = mkdtempSync(join(tmpdir(), "conformance-cli-"));
  });
  afterAll(async () => {
    await faulty?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it(
    "exits 0 against a conforming server, with a summary and a JUnit report, and never prints the secret",
    async () => {
      const junit = join(tmp, "pass.xml");
      const run = await conformance(["--base-url", server.baseUrl, "--junit", junit], credentials());
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^PASS {2}token\.exchange: /m);
      // Only the checks tagged slow are skipped by default (issue 15: they run with --slow).
      expect(run.stdout).toMatch(/\d+ passed, 0 failed, \d+ skipped \(\d+ checks, \d+ requests\)/);
      for (const line of run.stdout.split("\n").filter((l) => l.startsWith("SKIP")))
        expect(line).toMatch(/\(slow: run with --slow\)$/);
      expect(run.stdout + run.stderr).not.toContain(server.clientSecret);
      const xml = readFileSync(junit, "utf8");
      expect(xml).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="verify-client-conformance" tests="\d+" failures="0"/,
      );
      expect(xml).toContain('<testcase classname="conformance.token" name="token.exchange: ');
    },
    FULL_RUN_MS,
  );

  it(
    "exits 1 against a broken server, printing the request, the response and the rule broken",
    async () => {
      const junit = join(tmp, "fail.xml");
      const run = await conformance([
        "--base-url",
        faulty.baseUrl,
        "--client-id",
        server.clientId,
        "--client-secret",
        server.clientSecret,
        "--junit",
        junit,
      ]);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toContain("FAIL cases.duplicate-matter-ref: a second case with the same matterRef");
      expect(run.stdout).toContain("rule: #/paths/~1v1~1cases/post/responses/409 (duplicate_matter_ref)");
      expect(run.stdout).toMatch(
        /the same matterRef again: expected 409 duplicate_matter_ref, got 201\n\s+> POST http:\/\/127\.0\.0\.1:\d+\/v1\/cases\n/,
      );
      expect(run.stdout).toMatch(/\n\s+< 201\n/);
      expect(readFileSync(junit, "utf8")).toMatch(
        /<failure message="the same matterRef again: expected 409 duplicate_matter_ref, got 201"/,
      );
    },
    FULL_RUN_MS,
  );

  it(
    "--read-only skips the writing checks and says so",
    async () => {
      const run = await conformance(["--base-url", server.baseUrl, "--read-only", "--max-pages", "5"], credentials());
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^SKIP {2}cases\.create: .*\(--read-only: this check writes\)$/m);
    },
    FULL_RUN_MS,
  );

  it(
    "ends with a coverage report, writes it as JSON with --report, and fails under --min-coverage",
    async () => {
      const report = join(tmp, "coverage", "report.json");
      const run = await conformance(
        ["--base-url", server.baseUrl, "--read-only", "--max-pages", "2", "--report", report, "--min-coverage", "100"],
        credentials(),
      );
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toMatch(/^Coverage \(documented status and code pairs observed, per operation\):$/m);
      expect(run.stdout).toMatch(/^ {2}createCase: \d+ requests, \d+ constraint probes, links followed: /m);
      expect(run.stdout).toMatch(
        /^ {4}excluded: {5}500 internal_error, 503 unavailable \(a 5xx is the server's own failure/m,
      );
      expect(run.stdout).toMatch(/^coverage \d+\.\d% is below --min-coverage 100%$/m);
      const json = JSON.parse(readFileSync(report, "utf8"));
      expect(json.coverage.operations.map((o: { operationId: string }) => o.operationId)).toEqual(
        suiteSpec().contract.operations.map((op) => op.operationId),
      );
      expect(json.coverage.observed).toBeGreaterThan(0);
      expect(json.coverage.percent).toBeLessThan(100);
    },
    FULL_RUN_MS,
  );

  it("exits 2 and names what is missing when there are no credentials", async () => {
    const run = await conformance(["--base-url", server.baseUrl]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "missing --client-id (or VERIFY_CLIENT_CLIENT_ID), --client-secret (or VERIFY_CLIENT_CLIENT_SECRET)",
    );
  });

  it(
    "stops at the first refused credential with one line and exit 2, spending one failure",
    async () => {
      const before = await tokenFailures(server);
      const junit = join(tmp, "refused", "deeper", "report.xml");
      const run = await conformance(["--base-url", server.baseUrl, "--junit", junit], {
        VERIFY_CLIENT_CLIENT_ID: server.clientId,
        VERIFY_CLIENT_CLIENT_SECRET: "not-the-secret",
      });
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim()).toBe(`credentials rejected by ${server.baseUrl}: check --client-id / --client-secret`);
      expect((await tokenFailures(server)) - before).toBe(1);
      // No check could run: JUnit says error, not failure, and the missing folders were made.
      const xml = readFileSync(junit, "utf8");
      expect(xml).toMatch(/<testsuites [^>]*failures="0" errors="\d+"/);
      expect(xml).toContain('<error message="credentials rejected by');
      expect(xml).not.toContain("<failure");
    },
    FULL_RUN_MS,
  );

  it(
    "says how many seconds to wait when the failure limit is already reached, exit 2",
    async () => {
      const limited = await startReferenceServer({ env: { TOKEN_FAILURES_PER_CLIENT: "1" } });
      try {
        const wrong = await conformance(["--base-url", limited.baseUrl], {
          VERIFY_CLIENT_CLIENT_ID: limited.clientId,
          VERIFY_CLIENT_CLIENT_SECRET: "not-the-secret",
        });
        expect(wrong.code).toBe(2);
        const run = await conformance(["--base-url", limited.baseUrl], {
          VERIFY_CLIENT_CLIENT_ID: limited.clientId,
          VERIFY_CLIENT_CLIENT_SECRET: limited.clientSecret,
        });
        expect(run.code, run.stdout + run.stderr).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr.trim()).toMatch(/\(429, the failure limit\): wait \d+ seconds, or have an operator run/);

        // The operator's unlock clears the count and leaves an admin audit row; the integration gets tokens again.
        const unlock = await tsx(
          ["server-stub/admin/cli.ts", "integration", "unlock", "--app-id", limited.clientId, "--json"],
          limited.storeEnv,
        );
        expect(unlock.code, unlock.stderr).toBe(0);
        expect(JSON.parse(unlock.stdout)).toEqual({ appId: limited.clientId, address: null, failuresCleared: 1 });
        const tokens = await exchange(limited, limited, ["users.list"]);
        expect(tokens.status).toBe(200);
        const audit = await tsx(
          ["server-stub/admin/cli.ts", "audit", "--org", limited.orgId, "--json"],
          limited.storeEnv,
        );
        expect(JSON.parse(audit.stdout)[0]).toMatchObject({
          actorType: "admin",
          meta: { actorTokenKind: "cli", actorIdentifier: "admin-cli" },
          action: "integration.unlocked",
          targetId: limited.clientId,
          orgId: limited.orgId,
          caseId: "",
          requestId: "",
        });
      } finally {
        await limited.close();
      }
    },
    FULL_RUN_MS,
  );

  it(
    "fails fast with one line and exit 2 on an unreachable, scheme-less or /v1-suffixed base URL",
    async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const refused = await conformance(["--base-url", closed], credentials());
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr.trim()).toBe(`cannot reach ${closed}: ECONNREFUSED`);

      const schemeless = await conformance(["--base-url", server.baseUrl.replace("http://", "")], credentials());
      expect(schemeless.code).toBe(2);
      expect(schemeless.stderr).toContain("is not an http:// or https:// URL");

      const suffixed = await conformance(["--base-url", `${server.baseUrl}/v1`], credentials());
      expect(suffixed.code).toBe(2);
      expect(suffixed.stdout).toBe("");
      expect(suffixed.stderr.trim().split("\n")).toHaveLength(1);
      expect(suffixed.stderr).toContain(
        `(hint: the spec's paths already start with /v1; try --base-url ${server.baseUrl})`,
      );
    },
    FULL_RUN_MS,
  );

  it(
    "keeps the secret out of its output: environment and --client-secret-file say nothing of it, the flag form warns",
    async () => {
      const own = await startReferenceServer();
      const secret = "wrong-secret-7f3a9c";
      const env = { VERIFY_CLIENT_BASE_URL: own.baseUrl, VERIFY_CLIENT_CLIENT_ID: own.clientId };
      const refused = `credentials rejected by ${own.baseUrl}: check --client-id / --client-secret`;
      try {
        // As the README runs it: through npm, which echoes the script's command line.
        const viaNpm = await run("npm", ["run", "conformance"], { ...env, VERIFY_CLIENT_CLIENT_SECRET: secret });
        expect(viaNpm.code, viaNpm.stderr).toBe(2);
        expect(viaNpm.stdout + viaNpm.stderr).not.toContain(secret);
        expect(viaNpm.stderr.trim()).toBe(refused);

        const secretFile = join(tmp, "secret.txt");
        writeFileSync(secretFile, `${secret}\n`);
        const fromFile = await conformance(["--client-secret-file", secretFile], env);
        expect(fromFile.code).toBe(2);
        expect(fromFile.stdout + fromFile.stderr).not.toContain(secret);
        expect(fromFile.stderr.trim()).toBe(refused);

        const flag = await conformance(["--client-secret", secret], env);
        expect(flag.code).toBe(2);
        expect(flag.stderr).toContain(
          "warning: --client-secret on the command line shows in ps, shell history and npm's echo of the command",
        );
        const both = await conformance(["--client-secret", secret, "--client-secret-file", secretFile], env);
        expect(both.code).toBe(2);
        expect(both.stderr.trim()).toBe("give either --client-secret or --client-secret-file, not both");
      } finally {
        await own.close();
      }
    },
    FULL_RUN_MS * 2,
  );

  it("--help explains every option, the tags and the exit status", async () => {
    const run = await conformance(["--help"]);
    expect(run.code).toBe(0);
    for (const text of [
      "--base-url",
      "VERIFY_CLIENT_BASE_URL",
      "--client-id",
      "--client-secret",
      "--read-only",
      "--max-pages",
      "--junit",
      "stateful",
      "writes",
      "negative",
      "Exit status",
      "10\nruns per clientId",
      "integration unlock --app-id",
    ]) {
      expect(run.stdout).toContain(text);
    }
  });
});
