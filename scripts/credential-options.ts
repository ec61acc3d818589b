// The base URL and credentials every command that calls the API takes (`npm run conformance`, `npm run workflows`),
// with the product page's variable names, checked the same way. The secret is best given in the environment or a file: on the command line it
// shows in `ps`, in shell history and in the command line npm echoes before running a script.
import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";

/** Bad usage: a missing or invalid option. */
export const EXIT_USAGE = 2;

export interface Credentials {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface CredentialFlags {
  baseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretFile?: string;
}

export const CREDENTIAL_VARIABLES = {
  baseUrl: "VERIFY_CLIENT_BASE_URL",
  clientId: "VERIFY_CLIENT_CLIENT_ID",
  clientSecret: "VERIFY_CLIENT_CLIENT_SECRET",
} as const;

export function addCredentialOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--base-url <url>", "the API's base URL, without /v1 (e.g. http://localhost:8081)").env(
        CREDENTIAL_VARIABLES.baseUrl,
      ),
    )
    .addOption(
      new Option("--client-id <id>", "the integration's clientId (its appId)").env(CREDENTIAL_VARIABLES.clientId),
    )
    .addOption(
      new Option(
        "--client-secret <secret>",
        `the integration's clientSecret; prefer ${CREDENTIAL_VARIABLES.clientSecret} or --client-secret-file (an argument shows in ps and in npm's echo of the command)`,
      ).env(CREDENTIAL_VARIABLES.clientSecret),
    )
    .addOption(
      new Option(
        "--client-secret-file <file>",
        `read the clientSecret from this file (its first line), or from stdin with -; wins over ${CREDENTIAL_VARIABLES.clientSecret}`,
      ),
    );
}

/** "localhost:8081" parses as a URL with the scheme "localhost:": only http and https reach an API. */
function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

function readSecretFile(file: string): string {
  return (readFileSync(file === "-" ? 0 : file, "utf8").split(/\r?\n/)[0] ?? "").trim();
}

/**
 * The credentials, or a one-line usage error (exit 2). Warns on stderr when the secret came as an argument.
 */
export function credentialsFrom(command: Command, flags: CredentialFlags): Credentials {
  const fail = (message: string): never => command.error(message, { exitCode: EXIT_USAGE });
  let clientSecret = flags.clientSecret;
  const secretArgument = command.getOptionValueSource("clientSecret") === "cli";
  if (flags.clientSecretFile !== undefined) {
    if (secretArgument) fail("give either --client-secret or --client-secret-file, not both");
    try {
      clientSecret = readSecretFile(flags.clientSecretFile);
    } catch (error) {
      fail(`--client-secret-file ${flags.clientSecretFile}: ${(error as Error).message}`);
    }
    if (!clientSecret) fail(`--client-secret-file ${flags.clientSecretFile}: the file's first line is empty`);
  } else if (secretArgument) {
    console.error(
      `warning: --client-secret on the command line shows in ps, shell history and npm's echo of the command; set ${CREDENTIAL_VARIABLES.clientSecret} or use --client-secret-file instead`,
    );
  }
  const missing = [
    ["--base-url", CREDENTIAL_VARIABLES.baseUrl, flags.baseUrl],
    ["--client-id", CREDENTIAL_VARIABLES.clientId, flags.clientId],
    ["--client-secret", CREDENTIAL_VARIABLES.clientSecret, clientSecret],
  ].filter(([, , value]) => !value);
  if (missing.length > 0) fail(`missing ${missing.map(([flag, env]) => `${flag} (or ${env})`).join(", ")}`);
  const baseUrl = flags.baseUrl as string;
  if (!isHttpUrl(baseUrl)) fail(`--base-url ${JSON.stringify(baseUrl)} is not an http:// or https:// URL`);
  return { baseUrl, clientId: flags.clientId as string, clientSecret: clientSecret as string };
}
