// npm run workflows -- --base-url URL [--read-only] [--report FILE]: runs the Arazzo workflows of spec/workflows/
// with Redocly Respect against any deployment, with the conformance suite's credential variables.
import { spawnSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Command } from "commander";
import { loadContract, repoRoot } from "../contract/index.ts";
import { addCredentialOptions, type CredentialFlags, credentialsFrom, EXIT_USAGE } from "./credential-options.ts";
import { entryWorkflows, loadWorkflowFiles, workflowWrites } from "../contract/workflows.ts";

/** Inputs fresh for each run: a matterRef suffix and reserved invite destinations (example.com, 07700 900xxx). */
function runInputs(): Record<string, string> {
  const runId = `${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
  return {
    runId,
    email: `jordan+wf-${runId}@example.com`,
    mobile: `+447700900${String(randomInt(1000)).padStart(3, "0")}`,
  };
}

const program = addCredentialOptions(new Command("workflows"))
  .description(
    "Runs the Arazzo workflows of spec/workflows/ (onboarding, duplicate safeguard, case id pages, least privilege)\n" +
      "with Redocly Respect against a deployment of the Verify Client integration API. Respect checks each step's\n" +
      "success criteria and its status, content type and body against the spec.",
  )
  .option("--read-only", "skip the workflows that create cases, parties or invites", false)
  .option("--report <file>", "where Respect writes its JSON report (a .json file)", "workflows-report.json")
  .addHelpText(
    "after",
    `
The integration needs every scope the flows ask for (all five). Each run makes a fresh matterRef suffix and
reserved invite destinations, so runs never collide or meet the invite limits. The credentials reach Respect
through the environment only, never its arguments; Respect masks the secret and every token in its output.

Exit status: 0 every workflow passed, 1 a workflow failed, 2 bad usage.

Examples:
  npm run workflows -- --base-url http://localhost:8081
  VERIFY_CLIENT_BASE_URL=https://api.example.com VERIFY_CLIENT_CLIENT_ID=... VERIFY_CLIENT_CLIENT_SECRET=... \\
    npm run workflows -- --read-only --report reports/workflows.json`,
  )
  .showHelpAfterError()
  .action((options: CredentialFlags & { readOnly: boolean; report: string }) => {
    const deployment = credentialsFrom(program, options);
    if (!options.report.endsWith(".json"))
      program.error(`--report ${options.report}: Respect writes its report only to a .json file`, {
        exitCode: EXIT_USAGE,
      });
    const report = resolve(options.report);
    try {
      mkdirSync(dirname(report), { recursive: true });
    } catch (error) {
      program.error(`--report ${options.report}: ${(error as Error).message}`, { exitCode: EXIT_USAGE });
    }

    // Respect starts every workflow of a file; the ones other workflows call (page walks) only run through them.
    const contract = loadContract();
    const files = loadWorkflowFiles();
    const skipped: string[] = [];
    const runFiles = files.filter((file) => {
      const entries = entryWorkflows(file);
      const run = entries.filter((w) => !(options.readOnly && workflowWrites(contract, file, w)));
      skipped.push(...file.workflows.filter((w) => !run.includes(w)).map((w) => w.workflowId));
      return run.length > 0;
    });
    const servers = [...new Set(runFiles.flatMap((f) => f.sourceNames))].map((name) => `${name}=${deployment.baseUrl}`);
    const args = [
      "respect",
      ...runFiles.map((f) => relative(repoRoot, f.path)),
      ...servers.flatMap((server) => ["--server", server]),
      "--input",
      JSON.stringify(runInputs()),
      "--json-output",
      report,
      ...(skipped.length > 0 ? ["--skip", skipped.join(",")] : []),
    ];
    const result = spawnSync(join(repoRoot, "node_modules/.bin/redocly"), args, {
      cwd: repoRoot,
      stdio: "inherit",
      env: {
        ...process.env,
        VERIFY_CLIENT_CLIENT_ID: deployment.clientId,
        VERIFY_CLIENT_CLIENT_SECRET: deployment.clientSecret,
        REDOCLY_TELEMETRY: "off",
        REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
      },
    });
    process.exitCode = result.status === 0 ? 0 : 1;
  });

// Help exits 0; every usage error (unknown option, bad value, missing credentials) exits 2.
program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));

program.parse();
