// npm run fault-matrix: runs every fault of the conformance self-test (test/conformance/faults.ts) through both the
// conformance suite and `npm run workflows` (Respect), each against a fresh reference server behind the
// contract-breaking proxy on 127.0.0.1, and prints which of the two catches each fault. Not part of npm test.
// `npm run fault-matrix -- <fault id>...` runs only those faults (to add a new fault's row to the README's table).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../contract/index.ts";
import type { Fault } from "../test/conformance/contract-breaking-proxy.ts";
import { FAULTS } from "../test/conformance/faults.ts";
import { throughFault } from "../test/conformance/faulty-server.ts";
import { runSuite } from "../test/conformance/runner.ts";

/** A hang guard for one Respect run (it takes seconds; a fault that loops a page walk must not stall the matrix). */
const RESPECT_TIMEOUT_MS = 180_000;
const asked = process.argv.slice(2);
const unknown = asked.filter((id) => !FAULTS.some((f) => f.id === id));
if (unknown.length > 0) {
  console.error(`unknown fault ${unknown.join(", ")}; the faults: ${FAULTS.map((f) => f.id).join(", ")}`);
  process.exit(2);
}
const chosen = asked.length > 0 ? FAULTS.filter((f) => asked.includes(f.id)) : FAULTS;
const reports = mkdtempSync(join(tmpdir(), "verify-client-fault-matrix-"));

// Each fault gets a fresh server per runner: the duplicate safeguard's walk needs its case to be the firm's newest.
async function caughtByConformance(fault: Fault | undefined): Promise<boolean> {
  const report = await throughFault(fault, (target) => runSuite(target));
  return report.setupError !== undefined || report.counts.failed > 0;
}

/** `npm run workflows` in a process group of its own, so the hang guard stops npm, tsx and Respect together. */
async function caughtByWorkflows(fault: Fault | undefined): Promise<boolean> {
  return throughFault(fault, (target) => {
    const report = join(reports, `${fault?.id ?? "none"}.json`);
    const child = spawn("npm", ["run", "-s", "workflows", "--", "--report", report], {
      cwd: repoRoot,
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        VERIFY_CLIENT_BASE_URL: target.baseUrl,
        VERIFY_CLIENT_CLIENT_ID: target.clientId,
        VERIFY_CLIENT_CLIENT_SECRET: target.clientSecret,
      },
    });
    return new Promise<boolean>((resolve, reject) => {
      const guard = setTimeout(() => process.kill(-(child.pid as number), "SIGKILL"), RESPECT_TIMEOUT_MS);
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        clearTimeout(guard);
        if (signal)
          console.error(`${fault?.id ?? "no fault"}: npm run workflows stopped by ${signal} (the hang guard)`);
        resolve(code !== 0);
      });
    });
  });
}

const yesNo = (caught: boolean) => (caught ? "yes" : "no");
const started = performance.now();
try {
  // With no fault both must pass, or a "yes" below would mean nothing.
  const [conformanceBaseline, workflowsBaseline] = await Promise.all([
    caughtByConformance(undefined),
    caughtByWorkflows(undefined),
  ]);
  if (conformanceBaseline || workflowsBaseline) {
    console.error(
      `With no fault: conformance ${conformanceBaseline ? "failed" : "passed"}, workflows ${workflowsBaseline ? "failed" : "passed"}; both must pass.`,
    );
    process.exitCode = 1;
  } else {
    const rows = [
      "| fault | what the broken server does | caught by conformance | caught by workflows |",
      "|---|---|---|---|",
    ];
    for (const fault of chosen) {
      const [conformance, workflows] = await Promise.all([caughtByConformance(fault), caughtByWorkflows(fault)]);
      const row = `| \`${fault.id}\` | ${fault.description} | ${yesNo(conformance)} | ${yesNo(workflows)} |`;
      rows.push(row);
      console.error(row);
    }
    console.log(rows.join("\n"));
    console.error(`${chosen.length} faults in ${Math.round((performance.now() - started) / 1000)} s`);
  }
} finally {
  rmSync(reports, { recursive: true, force: true });
}
