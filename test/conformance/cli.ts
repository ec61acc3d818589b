// npm run conformance -- --base-url URL --client-id ID --client-secret S [--read-only] [--max-pages N] [--junit FILE]
import { writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { integerOption } from "../../server-stub/integer-option.ts";
import { ALL_CHECKS } from "./checks/index.ts";
import { toJUnitXml } from "./junit.ts";
import { formatFailures, formatLine } from "./report.ts";
import { runSuite } from "./runner.ts";

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const program = new Command("conformance")
  .description(
    "Checks that a deployment of the Verify Client integration API keeps its contract (generated/openapi.yaml):\n" +
      "token exchange, scopes, auth failures, cases, parties, invites, lists and bad input. Every response is\n" +
      "validated against the spec: status documented for the operation, content type, body schema, headers.",
  )
  .addOption(
    new Option("--base-url <url>", "the API's base URL, without /v1 (e.g. http://localhost:8081)").env(
      "VERIFY_CLIENT_BASE_URL",
    ),
  )
  .addOption(new Option("--client-id <id>", "the integration's clientId (its appId)").env("VERIFY_CLIENT_CLIENT_ID"))
  .addOption(
    new Option(
      "--client-secret <secret>",
      "the integration's clientSecret (prefer the env var: arguments show in ps)",
    ).env("VERIFY_CLIENT_CLIENT_SECRET"),
  )
  .option("--read-only", "skip every check that writes (cases, parties, invites): for production smoke checks", false)
  .option("--max-pages <n>", "the most pages any list walk fetches", integerOption(1), 50)
  .option("--junit <file>", "also write a JUnit XML report to this file")
  .option("--list", "list the checks with their tags and exit")
  .addHelpText(
    "after",
    `
The integration must hold all five scopes; the suite narrows scopes by asking for fewer. It fetches every token
it needs first, then makes exactly two deliberate failed exchanges (a wrong secret, an unknown clientId), so a
run never trips the server's failure limit. Every case it creates has a matterRef starting "conformance-<run id>".

Tags: stateful  needs a real implementation (stored data, token and scope verification)
      writes    creates cases, parties or invites (skipped by --read-only)
      negative  sends a request that breaks the contract

Exit status: 0 every check passed (or was skipped), 1 a check failed, 2 bad usage.

Examples:
  npm run conformance -- --base-url http://localhost:8081 --client-id <appId> --client-secret <secret>
  VERIFY_CLIENT_BASE_URL=https://api.example.com VERIFY_CLIENT_CLIENT_ID=... VERIFY_CLIENT_CLIENT_SECRET=... \\
    npm run conformance -- --read-only --junit conformance.xml`,
  )
  .showHelpAfterError()
  .action(
    async (options: {
      baseUrl?: string;
      clientId?: string;
      clientSecret?: string;
      readOnly: boolean;
      maxPages: number;
      junit?: string;
      list?: boolean;
    }) => {
      if (options.list) {
        for (const check of ALL_CHECKS)
          console.log(`${check.id.padEnd(32)} ${`[${check.tags.join(", ")}]`.padEnd(28)} ${check.title}`);
        return;
      }
      const missing = [
        ["--base-url", "VERIFY_CLIENT_BASE_URL", options.baseUrl],
        ["--client-id", "VERIFY_CLIENT_CLIENT_ID", options.clientId],
        ["--client-secret", "VERIFY_CLIENT_CLIENT_SECRET", options.clientSecret],
      ].filter(([, , value]) => !value);
      if (missing.length > 0) {
        program.error(`missing ${missing.map(([flag, env]) => `${flag} (or ${env})`).join(", ")}`, {
          exitCode: EXIT_USAGE,
        });
      }
      try {
        new URL(options.baseUrl!);
      } catch {
        program.error(`--base-url ${JSON.stringify(options.baseUrl)} is not a URL`, { exitCode: EXIT_USAGE });
      }

      const report = await runSuite({
        baseUrl: options.baseUrl!,
        clientId: options.clientId!,
        clientSecret: options.clientSecret!,
        readOnly: options.readOnly,
        maxPages: options.maxPages,
        onResult: (result) => console.log(formatLine(result)),
      });
      console.log(formatFailures(report));
      if (options.junit) writeFileSync(options.junit, toJUnitXml(report));
      process.exitCode = report.counts.failed > 0 ? EXIT_FAILED : 0;
    },
  );

// Help exits 0; every usage error (unknown option, bad value, missing credentials) exits 2.
program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));

await program.parseAsync();
