// `npm run diff [-- --base <git ref>] [--json]`: the breaking-change gate. Bundles spec/ as it is in the working
// tree and compares it with the latest released snapshot (spec/releases/) or with spec/ at a git ref, prints every
// change classed breaking / non-breaking / annotation, and exits 1 on a breaking change unless info.version's
// major was raised or a reviewed x-breaking-allowances entry for info.version covers it, on a stale allowance, and on a
// raised major whose path prefix decision is not recorded (path-prefix.ts).
import { relative, resolve } from "node:path";
import { Command } from "commander";
import { bundleAtGitRef, bundleWorkingTree } from "./bundle-spec.ts";
import { prefixDecisionMissing } from "./path-prefix.ts";
import { latestSnapshot, loadSnapshot } from "./releases.ts";
import { compareSpecs, formatReport, staleAllowances, verdict } from "./spec-diff.ts";
import { repoRoot, type OpenAPI3 } from "../contract/index.ts";

const program = new Command()
  .name("npm run diff --")
  .description("Compare spec/ (working tree) with the latest released snapshot or with spec/ at a git ref.")
  .option("--base <ref>", "compare with spec/ as committed at this git ref instead of the latest snapshot")
  .option("--spec <dir>", "compare this folder (laid out like spec/) instead of the working tree's spec/")
  .option("--json", "print the classified changes as JSON")
  .parse();
const options = program.opts<{ base?: string; spec?: string; json?: boolean }>();

let base: OpenAPI3;
let baseName: string;
if (options.base) {
  base = bundleAtGitRef(options.base);
  baseName = `spec/ at ${options.base}`;
} else {
  const snapshot = latestSnapshot();
  base = loadSnapshot(snapshot);
  baseName = relative(repoRoot, snapshot.file);
}
const head = bundleWorkingTree(options.spec ? resolve(options.spec) : undefined);
const changes = compareSpecs(base, head);
const stale = staleAllowances(changes, base, head);
const result = prefixDecisionMissing(base, head) ?? verdict(changes, base.info.version, head.info.version, stale);

if (options.json) {
  console.log(
    JSON.stringify(
      {
        base: baseName,
        baseVersion: base.info.version,
        version: head.info.version,
        ok: result.ok,
        reason: result.reason,
        staleAllowances: stale,
        changes,
      },
      null,
      2,
    ),
  );
} else {
  console.log(
    `Comparing ${options.spec ?? "spec/ (working tree)"} at ${head.info.version} with ${baseName} at ${base.info.version}\n`,
  );
  console.log(formatReport(changes));
  console.log(`\n${result.ok ? "OK" : "FAIL"}: ${result.reason}.`);
}
process.exitCode = result.ok ? 0 : 1;
