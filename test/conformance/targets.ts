// What each test target can prove, as run options: which checks it skips and why, and whether its answers mean
// anything beyond their shape. Shared by the vitest files; the reasons are printed with every run.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Check } from "./check.ts";
import { formatLine } from "./report.ts";
import type { RunOptions, RunReport } from "./runner.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

type Profile = Pick<RunOptions, "exampleAnswers" | "skip">;

/** The Prism mock: stateless, answering every request with the spec's examples. */
export const PRISM_MOCK: Profile = {
  exampleAnswers: true,
  skip: (check: Check) => {
    if (check.tags.includes("stateful")) return "stateful: the mock answers from the spec's examples; it stores nothing and verifies no token or scope";
    if (check.id === "bad-input.malformed-json") return "Prism's own body parser answers malformed JSON with its own 400 (no envelope, no X-Request-Id) before it reads the spec";
    return undefined;
  },
};

/** Prism's validating proxy (`prism proxy --errors`) in front of a real server. */
export const PRISM_PROXY: Profile = {
  skip: (check: Check) =>
    check.tags.includes("negative")
      ? "negative: Prism's validating proxy answers a request that breaks the contract itself (400/401/415/422) instead of forwarding it, so this would test Prism, not the server"
      : undefined,
};

/** The skipped checks and their reasons, one line each, for a test to print. */
export function skippedLines(report: RunReport): string {
  return report.results
    .filter((r) => r.outcome === "skipped")
    .map(formatLine)
    .join("\n");
}

/**
 * `startReferenceServer({ inProcess: false })` runs the compiled dist/server-stub/main.js: build it first when it
 * is missing or older than any server source file.
 */
export function ensureServerBuilt(): void {
  const main = join(repoRoot, "dist/server-stub/main.js");
  const newestSource = newestMtime(join(repoRoot, "server-stub"));
  if (existsSync(main) && statSync(main).mtimeMs >= newestSource) return;
  execFileSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: repoRoot, stdio: "inherit", timeout: 120_000 });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
