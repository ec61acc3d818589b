// Human-readable report: one line per check, then each failure with the request, the response and the spec rule
// it broke, then a summary. Secrets and tokens never reach the output.
import type { Exchange } from "./client.ts";
import type { CheckResult, RunReport } from "./runner.ts";

const BODY_LIMIT = 1500;
const SHOWN_REQUEST_HEADERS = ["content-type", "authorization", "idempotency-key"];
const SHOWN_RESPONSE_HEADERS = ["content-type", "x-request-id", "www-authenticate", "retry-after", "idempotent-replayed", "cache-control"];

const MARK = { passed: "PASS", failed: "FAIL", skipped: "SKIP" } as const;

export function formatLine(result: CheckResult): string {
  const suffix = result.outcome === "skipped" ? `  (${result.reason})` : "";
  return `${MARK[result.outcome]}  ${result.id}: ${result.title}${suffix}`;
}

export function formatFailure(result: CheckResult, indent = ""): string {
  const lines = [`${indent}FAIL ${result.id}: ${result.title}`, `${indent}  rule: ${result.rule}`];
  result.failures.forEach((failure, i) => {
    lines.push(`${indent}  ${i + 1}) ${failure.message}`);
    if (failure.exchange) lines.push(...formatExchange(failure.exchange).map((line) => `${indent}     ${line}`));
  });
  return lines.join("\n");
}

export function formatExchange(exchange: Exchange): string[] {
  const lines = [`> ${exchange.request.method} ${exchange.request.url}`];
  for (const name of SHOWN_REQUEST_HEADERS) {
    const value = exchange.request.headers[name];
    if (value !== undefined) lines.push(`>   ${name}: ${name === "authorization" ? redactAuthorization(value) : value}`);
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

export function formatSummary(report: RunReport): string {
  const { passed, failed, skipped } = report.counts;
  return `${passed} passed, ${failed} failed, ${skipped} skipped (${report.results.length} checks, ${report.requests} requests) in ${(report.durationMs / 1000).toFixed(1)} s`;
}

export function formatReport(report: RunReport): string {
  const out = [`Verify Client conformance: ${report.baseUrl} (run ${report.runId})`, ""];
  out.push(...report.results.map(formatLine));
  const failed = report.results.filter((r) => r.outcome === "failed");
  if (failed.length > 0) out.push("", ...failed.map((r) => `${formatFailure(r)}\n`));
  out.push("", formatSummary(report));
  return out.join("\n");
}

function redactAuthorization(value: string): string {
  const [scheme, token] = value.split(" ", 2);
  return token && token.length > 16 ? `${scheme} ${token.slice(0, 12)}... (${token.length} chars)` : value;
}

/** Client secrets and access tokens are replaced, whatever else the body holds. */
function redactBody(body: string): string {
  return body.replace(/("(?:clientSecret|accessToken)"\s*:\s*")([^"]*)"/g, (_m, key: string, value: string) => `${key}<redacted, ${value.length} chars>"`);
}

function truncate(text: string): string {
  const oneLine = text.replace(/\n/g, "\\n");
  return oneLine.length > BODY_LIMIT ? `${oneLine.slice(0, BODY_LIMIT)}... (${oneLine.length} chars)` : oneLine;
}
