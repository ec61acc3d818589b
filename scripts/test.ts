// `npm test`: runs every check even when one fails, so one red test never hides a typecheck or lint verdict, then
// prints one verdict per check and one line per group of skipped tests naming why they were skipped.
// Arguments go to vitest (`npm test -- test/server`). VITEST_JSON_REPORT keeps vitest's JSON report where CI wants it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { repoRoot } from "../contract/repo-paths.ts";

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: {
    name: string;
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

/** A skipped test's title carries its reason: `[skipped: ...]` or `[skipped on PostgreSQL: ...]` (test/support). */
const SKIP_REASON = /\[(skipped[^\]]*)\]/;

interface Verdict {
  name: string;
  passed: boolean;
  seconds: number;
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Verdict {
  console.log(`\n=== ${name}`);
  const start = performance.now();
  const passed = spawnSync(command, args, { cwd: repoRoot, stdio: "inherit", env }).status === 0;
  return { name, passed, seconds: Math.round((performance.now() - start) / 1000) };
}

function skippedGroups(report: VitestReport): string[] {
  const groups = new Map<string, number>();
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      if (test.status !== "skipped" && test.status !== "pending") continue;
      const reason =
        [...test.ancestorTitles, test.title].join(" ").match(SKIP_REASON)?.[1] ??
        `skipped, no reason in their names (${relative(repoRoot, file.name)})`;
      groups.set(reason, (groups.get(reason) ?? 0) + 1);
    }
  }
  return [...groups].map(([reason, count]) => `${count} test${count === 1 ? "" : "s"} ${reason}`);
}

const ownReportDir = process.env.VITEST_JSON_REPORT ? undefined : mkdtempSync(join(tmpdir(), "verify-client-test-"));
const reportFile = process.env.VITEST_JSON_REPORT ?? join(ownReportDir as string, "vitest.json");

const verdicts = [
  run("vitest", join(repoRoot, "node_modules/.bin/vitest"), ["run", ...process.argv.slice(2)], {
    ...process.env,
    VITEST_JSON_REPORT: reportFile,
  }),
  ...["typecheck", "lint", "format:check"].map((script) => run(script, "npm", ["run", "--silent", script])),
];

let report: VitestReport | undefined;
try {
  report = JSON.parse(readFileSync(reportFile, "utf8"));
} catch {
  // vitest did not get as far as writing a report; its verdict above already says so.
}
if (ownReportDir) rmSync(ownReportDir, { recursive: true, force: true });

console.log("\n=== npm test");
for (const { name, passed, seconds } of verdicts) {
  const counts =
    name === "vitest" && report
      ? `: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`
      : "";
  console.log(`${passed ? "passed" : "FAILED"} ${name} in ${seconds} s${counts}`);
}
for (const line of report ? skippedGroups(report) : []) console.log(line);
process.exit(verdicts.every((v) => v.passed) ? 0 : 1);
