// Prints the one closing line CI reads ("N passed, N failed") from vitest's JSON reports.
// Usage: node scripts/ci-summary.mjs <exit status of npm test> <report.json>...
import { existsSync, readFileSync } from "node:fs";

const [status, ...files] = process.argv.slice(2);
const reports = files.filter((f) => existsSync(f)).map((f) => JSON.parse(readFileSync(f, "utf8")));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of reports) {
  passed += r.numPassedTests ?? 0;
  // A file that fails to load counts as a failed suite with no failed test: count it too.
  failed += Math.max(r.numFailedTests ?? 0, r.numFailedTestSuites ?? 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
// No report, or a later step of `npm test` (typecheck, lint, drift) failed: never print a green line.
if (reports.length === 0 || (Number(status) !== 0 && failed === 0)) failed += 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
