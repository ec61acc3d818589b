// `npm run conformance` (tsx test/conformance/cli.ts) as a partner runs it: exit status, output, JUnit file.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/repo-paths.ts";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";
import { startContractBreakingProxy, type ContractBreakingProxy } from "./contract-breaking-proxy.ts";
import { FAULTS } from "./faults.ts";

const TSX = join(repoRoot, "node_modules/.bin/tsx");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function conformance(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const {
    VERIFY_CLIENT_BASE_URL: _u,
    VERIFY_CLIENT_CLIENT_ID: _i,
    VERIFY_CLIENT_CLIENT_SECRET: _s,
    ...inherited
  } = process.env;
  return new Promise((resolve) => {
    execFile(
      TSX,
      ["test/conformance/cli.ts", ...args],
      { cwd: repoRoot, env: { ...inherited, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe("npm run conformance", () => {
  let server: ReferenceServer;
  let faulty: ContractBreakingProxy;
  let tmp: string;
  const credentials = () => ({
    VERIFY_CLIENT_CLIENT_ID: server.clientId,
    VERIFY_CLIENT_CLIENT_SECRET: server.clientSecret,
  });

  beforeAll(async () => {
    server = await startReferenceServer();
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

  it("exits 0 against a conforming server, with a summary and a JUnit report, and never prints the secret", async () => {
    const junit = join(tmp, "pass.xml");
    const run = await conformance(["--base-url", server.baseUrl, "--junit", junit], credentials());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^PASS {2}token\.exchange: /m);
    expect(run.stdout).toMatch(/\d+ passed, 0 failed, 0 skipped \(\d+ checks, \d+ requests\)/);
    expect(run.stdout + run.stderr).not.toContain(server.clientSecret);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="verify-client-conformance" tests="\d+" failures="0"/,
    );
    expect(xml).toContain('<testcase classname="conformance.token" name="token.exchange: ');
  });

  it("exits 1 against a broken server, printing the request, the response and the rule broken", async () => {
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
  });

  it("--read-only skips the writing checks and says so", async () => {
    const run = await conformance(["--base-url", server.baseUrl, "--read-only", "--max-pages", "5"], credentials());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^SKIP {2}cases\.create: .*\(--read-only: this check writes\)$/m);
  });

  it("exits 2 and names what is missing when there are no credentials", async () => {
    const run = await conformance(["--base-url", server.baseUrl]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "missing --client-id (or VERIFY_CLIENT_CLIENT_ID), --client-secret (or VERIFY_CLIENT_CLIENT_SECRET)",
    );
  });

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
    ]) {
      expect(run.stdout).toContain(text);
    }
  });
});
