// What stops a run before its first check, with the one line to print: the target cannot be reached or is not
// this API (a hint when the base URL repeats the start of the spec's paths), it refuses the credentials, or the
// client's failure limit is reached. Going on would print a failure per check and spend the failure budget.
import type { CallResult } from "./client.ts";
import type { SuiteSpec } from "./spec.ts";

export class SetupStop extends Error {}

/** ` (hint: ...)` when the base URL ends in a segment the spec's paths already start with, else "". */
export function baseUrlHint(baseUrl: string, spec: SuiteSpec): string {
  const firstSegments = new Set(spec.contract.operations.map((op) => op.path.split("/")[1]));
  const path = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const last = path.split("/").at(-1);
  if (!last || !firstSegments.has(last)) return "";
  const without = baseUrl.replace(/\/+$/, "").slice(0, -(last.length + 1));
  return ` (hint: the spec's paths already start with /${last}; try --base-url ${without})`;
}

/** Why the run cannot go on after this token exchange, or undefined. */
export function stopAfter(result: CallResult, baseUrl: string, spec: SuiteSpec): SetupStop | undefined {
  if (result.status === 401)
    return new SetupStop(`credentials rejected by ${baseUrl}: check --client-id / --client-secret`);
  if (result.status === 429) {
    const seconds = result.exchange.response?.headers["retry-after"] ?? "an unknown number of";
    return new SetupStop(
      `${baseUrl} refuses token exchanges for this clientId from this address (429, the failure limit): wait ${seconds} seconds, or have an operator run \`npm run admin -- integration unlock --app-id <clientId>\``,
    );
  }
  const json = (result.exchange.response?.headers["content-type"] ?? "").includes("json");
  if (result.status === 404 || result.status === 405 || !json)
    return new SetupStop(
      `${baseUrl} is not the Verify Client API: POST ${result.exchange.request.url} answered ${result.status}${json ? "" : " without JSON"}${baseUrlHint(baseUrl, spec)}`,
    );
  return undefined;
}

/** The one line for a token exchange that got no answer at all. */
export function unreachable(baseUrl: string, error: unknown, spec: SuiteSpec): SetupStop {
  const why = (error as Error).message.split(": ").at(-1);
  return new SetupStop(`cannot reach ${baseUrl}: ${why}${baseUrlHint(baseUrl, spec)}`);
}
