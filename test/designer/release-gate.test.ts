// The breaking-change gate as CI runs it: spec/ against the latest released snapshot, and `npm run diff` itself.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract, readBundle, repoFiles, repoRoot, type OpenAPI3 } from "../../contract/index.ts";
import { bundleWorkingTree } from "../../scripts/bundle-spec.ts";
import { compareVersions, latestSnapshot, listSnapshots, loadSnapshot } from "../../scripts/releases.ts";
import { compareSpecs, formatReport, verdict } from "../../scripts/spec-diff.ts";
import { pathPrefix, prefixDecisionMissing } from "../../scripts/path-prefix.ts";

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

describe("a major release records its path prefix decision", () => {
  const released = loadSnapshot(latestSnapshot());
  // Bundling spec/ runs Redocly: once for the three tests, with room for a loaded machine.
  let working: OpenAPI3;
  beforeAll(() => {
    working = bundleWorkingTree();
  }, 120_000);
  const nextMajor = (doc: any) => {
    const next = structuredClone(doc);
    next.info.version = `${Number(String(released.info.version).split(".")[0]) + 1}.0.0`;
    return next;
  };

  it("the working spec declares its prefix, and a release from before the declaration has it from its paths", () => {
    expect(pathPrefix(working)).toBe("/v1");
    expect(pathPrefix({ ...released, "x-path-prefix": undefined } as any)).toBe("/v1");
  });

  it("a raised major with the same prefix and no recorded decision fails, naming both ways out", () => {
    const head = nextMajor(working);
    const major = head.info.version.split(".")[0];
    expect(prefixDecisionMissing(released, head)?.reason).toBe(
      `info.version's major was raised (${released.info.version} -> ${head.info.version}) but the path prefix decision for ${major} is not recorded: change x-path-prefix in spec/openapi.yaml (/v1 -> /v${major}; serve both prefixes during the migration), or keep /v1 with a x-path-prefix-kept entry { major: ${major}, reason: ... }`,
    );
  });

  it("a new prefix, or a kept one with its reason for that major, passes; a reason for another major does not", () => {
    const head = nextMajor(working);
    const major = Number(head.info.version.split(".")[0]);
    expect(prefixDecisionMissing(released, { ...head, "x-path-prefix": `/v${major}` })).toBeNull();
    const kept = (m: number) => ({ ...head, "x-path-prefix-kept": [{ major: m, reason: "Only added fields." }] });
    expect(prefixDecisionMissing(released, kept(major))).toBeNull();
    expect(prefixDecisionMissing(released, kept(major + 1))?.ok).toBe(false);
    expect(prefixDecisionMissing(released, working)).toBeNull();
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
  }, 120_000);

  it("exits 1 on a raised major until the path prefix decision is recorded", async () => {
    const copy = mkdtempSync(join(tmpdir(), "verify-client-major-"));
    try {
      cpSync(join(repoRoot, "spec"), copy, { recursive: true });
      const root = join(copy, "openapi.yaml");
      writeFileSync(root, readFileSync(root, "utf8").replace(/^  version: .*$/m, "  version: 99.0.0"));
      const { code, stdout } = await npmRunDiff(["--spec", copy]);
      expect(stdout).toContain("FAIL: info.version's major was raised");
      expect(stdout).toContain("the path prefix decision for 99 is not recorded");
      expect(code).toBe(1);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    // npm run diff through tsx, bundling the spec: well past 30 s on a loaded machine.
  }, 120_000);

  it("--base <git ref> compares with spec/ as committed there", async () => {
    const { code, stdout } = await npmRunDiff(["--base", "HEAD", "--json"]);
    const report = JSON.parse(stdout);
    expect(report.base).toBe("spec/ at HEAD");
    expect(code).toBe(report.ok ? 0 : 1);
    // npm run diff through tsx, bundling two specs: past 30 s at load 11 on two cores.
  }, 120_000);
});
