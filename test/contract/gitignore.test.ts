// A run never leaves untracked files behind: every file the README's commands write into the checkout is ignored.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/repo-paths.ts";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
/** Report files the README passes to a command (`--junit conformance.xml`), and the outputs it names. */
const written = [
  ...new Set([...readme.matchAll(/--junit (\S+)/g)].map((m) => m[1]).filter((path) => !path.startsWith("FILE"))),
  "reports/conformance.xml",
  "bench/results.json",
  ".ci/vitest-sqlite.json",
  "test/artifacts/docs.png",
];

describe("git ignores what a run writes", () => {
  it.each(written)("%s", (path) => {
    // `git check-ignore` exits 0 when the path is ignored, 1 when it is not.
    expect(() => execFileSync("git", ["check-ignore", "-q", path], { cwd: repoRoot })).not.toThrow();
  });
});
