// Human-readable report: one line per check, then each failure with the request, the response and the spec rule
// it broke, then a summary. Secrets and tokens never reach the output.
import type { Exchange } from "./client.ts";
import type { CheckResult, RunReport } from "./runner.ts";

const BODY_LIMIT = 1500;
const SHOWN_REQUEST_HEADERS = ["content-type", "authorization", "idempotency-key"];
const SHOWN_RESPONSE_HEADERS = [
  "content-type",
  "x-request-id",
  "www-authenticate",
  "retry-after",
  "idempotent-replayed",
  "cache-control",
];

const MARK = { passed: "PASS", failed: "FAIL", skipped: "SKIP" } as const;

export function formatLine(result: CheckResult): string {
  const suffix = result.outcome === "skipped" ? `  (${result.reason})` : "";
  return `${MARK[result.outcome]}  ${result.id}: ${result.title}${suffix}`;
}

export function formatFailure(result: CheckResult): string {
  const lines = [`FAIL ${result.id}: ${result.title}`, `  rule: ${result.rule}`];
  result.failures.forEach((failure, i) => {
    lines.push(`  ${i + 1}) ${failure.message}`);
    if (failure.exchange) lines.push(...formatExchange(failure.exchange).map((line) => `     ${line}`));
  });
  return lines.join("\n");
}

function formatExchange(exchange: Exchange): string[] {
  const lines = [`> ${exchange.request.method} ${exchange.request.url}`];
  for (const name of SHOWN_REQUEST_HEADERS) {
    const value = exchange.request.headers[name];
    if (value !== undefined)
      lines.push(`>   ${name}: ${name === "authorization" ? redactAuthorization(value) : value}`);
  }
  if (exchange.request.body !== undefined) lines.push(`>   ${truncate(redactBody(exchange.request.body))}`);
  if (exchange.response) {
    lines.push(`< ${exchange.response.status}`);
    for (const name of SHOWN_RESPONSE_HEADERS) {
      const value = exchange.response.headers[name];
      if (value !== undefined) lines.push(`<   ${name}: ${value}`);
    }
    if (exchange.response.body) lines.push(`<   ${truncate(redactBody(exchange.response.body))}`);
  } else {
    lines.push(`< no response: ${exchange.error}`);
  }
  for (const v of exchange.violations) lines.push(`! ${v.rule}: ${v.message}`);
  return lines;
}

function formatSummary(report: RunReport): string {
  const { passed, failed, skipped } = report.counts;
  return `${passed} passed, ${failed} failed, ${skipped} skipped (${report.results.length} checks, ${report.requests} requests) in ${(report.durationMs / 1000).toFixed(1)} s`;
}

/** Everything after the per-check lines: each failure in full (or why nothing ran), then the summary. */
export function formatFailures(report: RunReport): string {
  const out: string[] = [];
  const failed = report.results.filter((r) => r.outcome === "failed");
  if (report.setupError) out.push("", `No check could run: ${report.setupError}`);
  else if (failed.length > 0) out.push("", ...failed.map((r) => `${formatFailure(r)}\n`));
  out.push("", formatSummary(report));
  return out.join("\n");
}

export function formatReport(report: RunReport): string {
  const header = `Verify Client conformance: ${report.baseUrl} (run ${report.runId})\n`;
  return [header, ...report.results.map(formatLine), formatFailures(report)].join("\n");
}

function redactAuthorization(value: string): string {
  const [scheme, token] = value.split(" ", 2);
  return token && token.length > 16 ? `${scheme} ${token.slice(0, 12)}... (${token.length} chars)` : value;
}

/** Client secrets and access tokens are replaced, whatever else the body holds. */
function redactBody(body: string): string {
  return body.replace(
    /("(?:clientSecret|accessToken)"\s*:\s*")([^"]*)"/g,
    (_m, key: string, value: string) => `${key}<redacted, ${value.length} chars>"`,
  );
}

function truncate(text: string): string {
  const oneLine = text.replace(/\n/g, "\\n");
  return oneLine.length > BODY_LIMIT ? `${oneLine.slice(0, BODY_LIMIT)}... (${oneLine.length} chars)` : oneLine;
}
