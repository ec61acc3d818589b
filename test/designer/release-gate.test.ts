// The breaking-change gate as CI runs it: spec/ against the latest released snapshot, and `npm run diff` itself.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { loadContract, readBundle, repoFiles, repoRoot } from "../../contract/index.ts";
import { bundleWorkingTree } from "../../scripts/bundle-spec.ts";
import { compareVersions, latestSnapshot, listSnapshots, loadSnapshot } from "../../scripts/releases.ts";
import { compareSpecs, formatReport, verdict } from "../../scripts/spec-diff.ts";

const run = promisify(execFile);
const tsx = join(repoRoot, "node_modules/.bin/tsx");

async function npmRunDiff(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(tsx, ["scripts/diff.ts", ...args], { cwd: repoRoot });
    return { code: 0, stdout };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout };
  }
}

describe("the contract against its releases", () => {
  it("spec/ has no breaking change against the latest release unless info.version's major was raised", () => {
    const snapshot = latestSnapshot();
    const [released, current] = [loadSnapshot(snapshot), bundleWorkingTree()];
    const changes = compareSpecs(released, current);
    const result = verdict(changes, released.info.version, current.info.version);
    expect(result.ok, `${result.reason}\n${formatReport(changes)}\n(npm run diff prints the same)`).toBe(true);
  });

  it("every snapshot is named for its info.version, and info.version never goes below the latest release", () => {
    for (const snapshot of listSnapshots()) expect(loadSnapshot(snapshot).info.version).toBe(snapshot.version);
    const current = readBundle(repoFiles.specRoot).info.version;
    expect(compareVersions(current, latestSnapshot().version)).toBeGreaterThanOrEqual(0);
  });
});

describe("npm run diff", () => {
  const edited = mkdtempSync(join(tmpdir(), "verify-client-spec-"));
  afterAll(() => rmSync(edited, { recursive: true, force: true }));

  it("exits 1 and names the change when an edit is breaking without a new major", async () => {
    cpSync(join(repoRoot, "spec"), edited, { recursive: true });
    const root = join(edited, "openapi.yaml");
    writeFileSync(root, readFileSync(root, "utf8").replace(/^ {2}\/v1\/microapps\/api\/users:\n.*\n/m, ""));
    const { code, stdout } = await npmRunDiff(["--spec", edited]);
    expect(stdout).toContain("Breaking (1)\n  - removed operation GET /v1/microapps/api/users");
    // The current major, whatever it is: the test holds after any major release.
    const major = loadContract().doc.info.version.split(".")[0];
    expect(stdout).toContain(`FAIL: 1 breaking change while info.version's major stays ${major}`);
    expect(code).toBe(1);
  });

  it("--base <git ref> compares with spec/ as committed there", async () => {
    const { code, stdout } = await npmRunDiff(["--base", "HEAD", "--json"]);
    const report = JSON.parse(stdout);
    expect(report.base).toBe("spec/ at HEAD");
    expect(code).toBe(report.ok ? 0 : 1);
    // npm run diff through tsx, bundling two specs: past 30 s at load 11 on two cores.
  }, 120_000);
});
