// The deployment options every command that calls the API shares (`npm run conformance`, `npm run workflows`):
// base URL and credentials from flags or the product page's environment variables, checked the same way.
import { type Command, Option } from "commander";

export const EXIT_USAGE = 2;

export interface DeploymentOptions {
  baseUrl?: string;
  clientId?: string;
  clientSecret?: string;
}

export function addDeploymentOptions(command: Command): Command {
  for (const option of [
    new Option("--base-url <url>", "the API's base URL, without /v1 (e.g. http://localhost:8081)").env(
      "VERIFY_CLIENT_BASE_URL",
    ),
    new Option("--client-id <id>", "the integration's clientId (its appId)").env("VERIFY_CLIENT_CLIENT_ID"),
    new Option(
      "--client-secret <secret>",
      "the integration's clientSecret (prefer the env var: arguments show in ps)",
    ).env("VERIFY_CLIENT_CLIENT_SECRET"),
  ])
    command.addOption(option);
  return command;
}

/** "localhost:8081" parses as a URL with the scheme "localhost:": only http and https reach an API. */
function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** Exits 2 with one line when a setting is missing or the base URL is not http(s). */
export function checkDeploymentOptions(program: Command, options: DeploymentOptions): Required<DeploymentOptions> {
  const missing = [
    ["--base-url", "VERIFY_CLIENT_BASE_URL", options.baseUrl],
    ["--client-id", "VERIFY_CLIENT_CLIENT_ID", options.clientId],
    ["--client-secret", "VERIFY_CLIENT_CLIENT_SECRET", options.clientSecret],
  ].filter(([, , value]) => !value);
  if (missing.length > 0)
    program.error(`missing ${missing.map(([flag, env]) => `${flag} (or ${env})`).join(", ")}`, {
      exitCode: EXIT_USAGE,
    });
  if (!isHttpUrl(options.baseUrl!))
    program.error(`--base-url ${JSON.stringify(options.baseUrl)} is not an http:// or https:// URL`, {
      exitCode: EXIT_USAGE,
    });
  return options as Required<DeploymentOptions>;
}
