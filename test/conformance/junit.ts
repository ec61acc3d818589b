// JUnit XML for CI systems: one testsuite per area (the id before the first dot), one testcase per check.
import { formatFailure } from "./report.ts";
import type { CheckResult, RunReport } from "./runner.ts";

export function toJUnitXml(report: RunReport): string {
  const areas = new Map<string, CheckResult[]>();
  for (const result of report.results) {
    const area = result.id.split(".")[0];
    areas.set(area, [...(areas.get(area) ?? []), result]);
  }
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const errors = report.setupError !== undefined;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="verify-client-conformance" tests="${report.results.length}" failures="${errors ? 0 : report.counts.failed}" errors="${errors ? report.counts.failed : 0}" skipped="${report.counts.skipped}" time="${seconds(report.durationMs)}">`,
  ];
  for (const [area, results] of areas) {
    const failed = results.filter((r) => r.outcome === "failed").length;
    const [failures, errorCount] = errors ? [0, failed] : [failed, 0];
    const skipped = results.filter((r) => r.outcome === "skipped").length;
    const time = results.reduce((sum, r) => sum + r.durationMs, 0);
    lines.push(
      `  <testsuite name="conformance.${xml(area)}" tests="${results.length}" failures="${failures}" errors="${errorCount}" skipped="${skipped}" time="${seconds(time)}">`,
      `    <properties><property name="baseUrl" value="${xml(report.baseUrl)}"/><property name="runId" value="${xml(report.runId)}"/><property name="coverage" value="${report.coverage.observed}/${report.coverage.provokable} triples, ${report.coverage.percent.toFixed(1)}%"/></properties>`,
    );
    for (const r of results) {
      const open = `    <testcase classname="conformance.${xml(area)}" name="${xml(`${r.id}: ${r.title}`)}" time="${seconds(r.durationMs)}"`;
      if (r.outcome === "passed") lines.push(`${open}/>`);
      else if (r.outcome === "skipped")
        lines.push(`${open}>`, `      <skipped message="${xml(r.reason ?? "")}"/>`, "    </testcase>");
      else if (report.setupError) {
        // Nothing was tested: an error (the run could not start), not a failure of the contract.
        lines.push(`${open}>`, `      <error message="${xml(report.setupError)}" type="setup"/>`, "    </testcase>");
      } else {
        lines.push(
          `${open}>`,
          `      <failure message="${xml(r.failures[0]?.message ?? "failed")}" type="${xml(r.rule)}">${xml(formatFailure(r))}</failure>`,
          "    </testcase>",
        );
      }
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot hold. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
