// VERIFY_CLIENT_BASE_URL=... VERIFY_CLIENT_CLIENT_ID=... VERIFY_CLIENT_CLIENT_SECRET=... npm run conformance -- [options]
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { integerOption } from "../../server-stub/integer-option.ts";
import { checksFor } from "./checks/index.ts";
import { formatCoverage } from "./coverage.ts";
import {
  addCredentialOptions,
  type CredentialFlags,
  credentialsFrom,
  EXIT_USAGE,
} from "../../scripts/credential-options.ts";
import { toJUnitXml } from "./junit.ts";
import { formatFuzzReport, fuzzReadOnly, runFuzz } from "./fuzz.ts";
import { formatFailures, formatLine } from "./report.ts";
import { runSuite } from "./runner.ts";
import { type SuiteSpec, suiteSpec } from "./spec.ts";

const EXIT_FAILED = 1;

function percentOption(value: string): number {
  const percent = Number(value);
  if (value.trim() === "" || !(percent >= 0 && percent <= 100))
    throw new InvalidArgumentError("expected a percentage from 0 to 100");
  return percent;
}

/** The contract the run reads; an unreadable bundle is a usage error. */
function specOrExit(bundle: string | undefined): SuiteSpec {
  try {
    return suiteSpec(bundle);
  } catch (error) {
    return program.error(`--spec ${bundle}: ${(error as Error).message}`, { exitCode: EXIT_USAGE });
  }
}

const program = addCredentialOptions(new Command("conformance"))
  .description(
    "Checks that a deployment of the Verify Client integration API keeps its contract (generated/openapi.yaml,\n" +
      "or the bundle --spec names): token exchange, scopes, auth failures, cases, parties, invites, lists and bad\n" +
      "input. Every response is validated against the spec: status documented for the operation, content type,\n" +
      "body schema, headers.",
  )
  .option(
    "--spec <bundle>",
    "hold the target to this bundled spec (a changed copy of generated/openapi.yaml) instead of the generated one",
  )
  .option("--read-only", "skip every check that writes (cases, parties, invites): for production smoke checks", false)
  .option(
    "--slow",
    "also run the slow checks (a token outliving its 60 s lifetime, the failure limit, a case's party limit)",
    false,
  )
  .option("--max-pages <n>", "the most pages any list walk fetches", integerOption(1), 50)
  .option("--junit <file>", "also write a JUnit XML report to this file")
  .option("--report <file>", "also write the coverage report to this file, as JSON")
  .option(
    "--min-coverage <percent>",
    "fail (exit 1) when fewer than this percent of the documented, provokable (operation, status, code) triples were observed",
    percentOption,
  )
  .option("--list", "list the checks with their tags and exit")
  .option(
    "--fuzz <n>",
    "instead of the checks, send n schema-valid and n schema-invalid generated requests per operation (fast-check)",
    integerOption(1),
  )
  .option(
    "--seed <s>",
    "the fast-check seed of a --fuzz run (printed by every run; a failure's seed reproduces it)",
    integerOption(-(2 ** 31), 2 ** 31 - 1),
  )
  .option("--fuzz-budget <seconds>", "stop a --fuzz run after this long, and say so", integerOption(1), 100)
  .option("--allow-writes", "let --fuzz write (cases, parties, invites) against a base URL that is not loopback", false)
  .addHelpText(
    "after",
    `
The integration must hold every scope; the suite narrows scopes by asking for fewer. It fetches every token it
needs first; if the server refuses the credentials it stops at once (one failed exchange, exit 2). Otherwise it
makes exactly two deliberate failed exchanges at the end (a wrong secret, an unknown clientId). With the reference
server's default limits (10 invalid_client answers per clientId and 50 per address, in 15 minutes) that allows 10
runs per clientId and address every 15 minutes; the next is refused with 429 until the window passes, or until an
operator clears the counts: npm run admin -- integration unlock --app-id <clientId> [--address <ip>].
Invites go only to parties the run itself creates, at reserved destinations (example.com, +44 7700 900xxx), so
the invite limit (5 per party per day) is never met by repeated runs. Every case it creates has a matterRef
starting "conformance-<run id>".

Tags: stateful  needs a real implementation (stored data, token and scope verification)
      writes    creates cases, parties or invites (skipped by --read-only)
      negative  sends a request that breaks the contract
      constraints  breaks each constraint of the spec on its own (one request each)
      slow      waits out a lifetime or spends a limit (skipped unless --slow; --slow adds one wait of about 62 s
                and 11 failed exchanges for an unknown clientId, which count against this address's limit of 50)

Exit status: 0 every check passed (or was skipped), 1 a check failed, 2 bad usage or no check could run
(unreachable or wrong base URL, credentials refused, failure limit reached): then one line says why.

Examples (the environment keeps the secret out of ps and of npm's echo of the command line):
  export VERIFY_CLIENT_BASE_URL=http://localhost:8081 VERIFY_CLIENT_CLIENT_ID=<appId> VERIFY_CLIENT_CLIENT_SECRET=<secret>
  npm run conformance
  VERIFY_CLIENT_BASE_URL=https://api.example.com VERIFY_CLIENT_CLIENT_ID=<appId> \\
    npm run conformance -- --client-secret-file secret.txt --read-only --junit conformance.xml`,
  )
  .action(
    async (
      options: CredentialFlags & {
        spec?: string;
        readOnly: boolean;
        slow: boolean;
        maxPages: number;
        junit?: string;
        report?: string;
        minCoverage?: number;
        list?: boolean;
        fuzz?: number;
        seed?: number;
        fuzzBudget: number;
        allowWrites: boolean;
      },
    ) => {
      const bundle = options.spec && resolve(options.spec);
      const spec = specOrExit(bundle);
      if (options.list) {
        for (const check of checksFor(spec))
          console.log(`${check.id.padEnd(32)} ${`[${check.tags.join(", ")}]`.padEnd(28)} ${check.title}`);
        return;
      }
      const credentials = credentialsFrom(program, options);
      for (const [flag, file] of [
        ["--junit", options.junit],
        ["--report", options.report],
      ]) {
        if (!file) continue;
        // A report's folder is made before the run, so that a passing run is never lost to a missing folder.
        try {
          mkdirSync(dirname(resolve(file)), { recursive: true });
        } catch (error) {
          program.error(`${flag} ${file}: ${(error as Error).message}`, { exitCode: EXIT_USAGE });
        }
      }

      if (options.fuzz !== undefined) {
        process.exitCode = await fuzz(credentials, bundle, { ...options, fuzz: options.fuzz });
        return;
      }
      const report = await runSuite({
        ...credentials,
        bundle,
        readOnly: options.readOnly,
        slow: options.slow,
        maxPages: options.maxPages,
        onResult: (result) => console.log(formatLine(result)),
      });
      if (options.junit) writeFileSync(options.junit, toJUnitXml(report));
      if (report.setupError) {
        console.error(report.setupError);
        process.exitCode = EXIT_USAGE;
        return;
      }
      console.log(formatFailures(report));
      console.log(`\n${formatCoverage(report.coverage)}`);
      if (options.report)
        writeFileSync(
          options.report,
          `${JSON.stringify({ runId: report.runId, baseUrl: report.baseUrl, counts: report.counts, coverage: report.coverage }, null, 2)}\n`,
        );
      const belowMinimum = options.minCoverage !== undefined && report.coverage.percent < options.minCoverage;
      if (belowMinimum)
        console.log(`coverage ${report.coverage.percent.toFixed(1)}% is below --min-coverage ${options.minCoverage}%`);
      process.exitCode = report.counts.failed > 0 || belowMinimum ? EXIT_FAILED : 0;
    },
  );

/** A --fuzz run: read-only against anything but loopback unless --allow-writes; exit 1 on any failing property. */
async function fuzz(
  credentials: ReturnType<typeof credentialsFrom>,
  bundle: string | undefined,
  options: { fuzz: number; seed?: number; fuzzBudget: number; readOnly: boolean; allowWrites: boolean },
): Promise<number> {
  const readOnly = fuzzReadOnly(credentials.baseUrl, options);
  if (readOnly && !options.readOnly)
    console.error(
      `--fuzz: ${credentials.baseUrl} is not loopback, so only operations that do not write are fuzzed (--allow-writes to write)`,
    );
  // A run without --seed draws one and prints it, so any run can be repeated.
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  console.log(
    `fuzz: seed ${seed}, ${options.fuzz} valid and ${options.fuzz} invalid requests per operation, budget ${options.fuzzBudget} s`,
  );
  const report = await runFuzz({
    ...credentials,
    bundle,
    runs: options.fuzz,
    seed,
    readOnly,
    budgetMs: options.fuzzBudget * 1000,
    onLine: (line) => console.log(line),
  });
  if (report.setupError) {
    console.error(report.setupError);
    return EXIT_USAGE;
  }
  console.log(formatFuzzReport(report, options.fuzz));
  return report.findings.length > 0 ? EXIT_FAILED : 0;
}

// Help exits 0; every usage error (unknown option, bad value, missing credentials) exits 2.
program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));

await program.parseAsync();
