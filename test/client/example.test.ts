// The partner's first hour as the README tells it: the Quickstart's curls, then the typed-client example, run twice.
// The Quickstart block is read from README.md and run by sh, so the README cannot drift from what works.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/index.ts";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";

const EXAMPLE = join(repoRoot, "clients/examples/create-case-then-invite.ts");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: Number(failed.code ?? -1), stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** The Quickstart's second sh block, without its `export` line of placeholders (the test sets those variables). */
function quickstartCurls(): string {
  const quickstart = readFileSync(join(repoRoot, "README.md"), "utf8").split("## Quickstart")[1].split("\n## ")[0];
  const block = [...quickstart.matchAll(/```sh\n([\s\S]*?)```/g)][1][1];
  return block
    .split("\n")
    .filter((line) => !line.startsWith("export "))
    .join("\n");
}

describe("the typed-client example after the Quickstart", () => {
  let server: ReferenceServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startReferenceServer();
    env = {
      VERIFY_CLIENT_BASE_URL: server.baseUrl,
      VERIFY_CLIENT_CLIENT_ID: server.clientId,
      VERIFY_CLIENT_CLIENT_SECRET: server.clientSecret,
    };
  });
  afterAll(() => server?.close());

  it("the Quickstart creates its case, the example then works, and a re-run replays every step", async () => {
    const quickstart = await run("sh", ["-c", quickstartCurls()], env);
    expect(quickstart.code, quickstart.stderr).toBe(0);
    expect(JSON.parse(quickstart.stdout)).toMatchObject({ caseId: expect.stringMatching(/^case_/) });

    const first = await run(process.execPath, ["--import", "tsx", EXAMPLE], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^case case_\S+: invite \S+ sent by email\n$/);
    // Same keys, same bodies: the same case, party and invite come back, nothing is written twice.
    const again = await run(process.execPath, ["--import", "tsx", EXAMPLE], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(first.stdout);
  });

  it("a matterRef already taken outside its keys stops at 409 duplicate_matter_ref in one line, no stack trace", async () => {
    // MAT-2026-101 is the Quickstart's case: what a re-run meets once its idempotency keys have expired.
    const taken = await run(process.execPath, ["--import", "tsx", EXAMPLE], { ...env, MATTER_REF: "MAT-2026-101" });
    expect(taken.code).toBe(1);
    expect(taken.stdout).toBe("");
    expect(taken.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^409 duplicate_matter_ref: .*MAT-2026-101/),
    ]);
  });

  it("still reads the deprecated variable names, with one line naming each replacement", async () => {
    const old = await run(process.execPath, ["--import", "tsx", EXAMPLE], {
      VERIFY_BASE_URL: server.baseUrl,
      VERIFY_CLIENT_ID: server.clientId,
      VERIFY_CLIENT_SECRET: server.clientSecret,
      MATTER_REF: "MAT-2026-OLD-NAMES",
    });
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain("VERIFY_CLIENT_ID is deprecated: set VERIFY_CLIENT_CLIENT_ID instead");
    expect(old.stderr).toContain("VERIFY_CLIENT_SECRET is deprecated: set VERIFY_CLIENT_CLIENT_SECRET instead");
    expect(old.stderr).toContain("VERIFY_BASE_URL is deprecated: set VERIFY_CLIENT_BASE_URL instead");
  });
});
