// Bundles a spec/ tree into one OpenAPI document with Redocly, the bundler `npm run generate` uses, so that the
// diff compares exactly what would be published: the working tree, or spec/ as it was at a git ref.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot, type OpenAPI3 } from "../contract/index.ts";

const redoclyBin = join(repoRoot, "node_modules/.bin/redocly");
const redoclyEnv = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

/** Writes the bundle of `rootFile` (a spec/openapi.yaml) to `outFile`. */
export function bundleSpecFile(rootFile: string, outFile: string): void {
  execFileSync(redoclyBin, ["bundle", rootFile, "-o", outFile], {
    cwd: repoRoot,
    env: redoclyEnv,
    stdio: ["ignore", "ignore", "pipe"],
  });
}

function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "verify-client-bundle-"));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function bundleToText(rootFile: string, dir: string): string {
  const out = join(dir, "bundle.yaml");
  bundleSpecFile(rootFile, out);
  return readFileSync(out, "utf8");
}

/** spec/ as it is in the working tree (or another folder laid out like it), bundled: the YAML text Redocly writes. */
export function bundleWorkingTreeText(specDir = join(repoRoot, "spec")): string {
  return withTempDir((dir) => bundleToText(join(specDir, "openapi.yaml"), dir));
}

/** spec/ as it is in the working tree (or another folder laid out like it), bundled. */
export function bundleWorkingTree(specDir?: string): OpenAPI3 {
  return parse(bundleWorkingTreeText(specDir));
}

/** spec/ as committed at `ref` (a branch, tag or commit), bundled; the working tree and index are not touched. */
export function bundleAtGitRef(ref: string): OpenAPI3 {
  const git = (args: string[]) => execFileSync("git", args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  try {
    git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new Error(`--base ${ref}: not a commit in this repository`);
  }
  return withTempDir((dir) => {
    const tar = join(dir, "spec.tar");
    git(["archive", "--format=tar", "-o", tar, ref, "spec"]);
    execFileSync("tar", ["-xf", tar, "-C", dir]);
    return parse(bundleToText(join(dir, "spec/openapi.yaml"), dir));
  });
}
