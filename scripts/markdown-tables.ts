// Markdown derived from the contract: the scopes table, the error-code table and the list of stated rules.
// llms.txt and the HTML docs both use them, so neither repeats the spec by hand.
import { errorCodes, rulesOf, type Contract } from "../contract/index.ts";

export function scopesTable(contract: Contract): string {
  const rows = contract.scopes.map(({ name, purpose }) => {
    const endpoints = contract.operations.filter((o) => o.scope === name).map((o) => `${o.method} ${o.path}`);
    return `| ${name} | ${purpose} | ${endpoints.join(", ")} |`;
  });
  return ["| Scope | Purpose | Endpoint |", "|---|---|---|", ...rows].join("\n");
}

export function errorCodesTable(contract: Contract): string {
  // A table cell is one line: a meaning the spec wraps over several lines is joined.
  const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|");
  const rows = errorCodes(contract).map((e) => `| ${e.status} | \`${e.code}\` | ${cell(e.meaning)} |`);
  return ["| Status | Code | Meaning |", "|---|---|---|", ...rows].join("\n");
}

/** The rules the spec states in words (x-rules), one line each: id, where it holds, statement. */
export function rulesList(contract: Contract): string {
  return rulesOf(contract)
    .map((rule) => `- \`${rule.id}\` (${rule.where}): ${rule.statement.replace(/\s+/g, " ")}`)
    .join("\n");
}
