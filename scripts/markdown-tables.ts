// Markdown tables derived from the contract: the scopes table and the error-code table.
// llms.txt and the HTML docs both use them, so neither repeats the spec by hand.
import { errorCodes, operations, scopeCatalogue, type OpenApiDoc } from "./spec-model.ts";

export function scopesTable(doc: OpenApiDoc): string {
  const ops = operations(doc);
  const rows = Object.entries(scopeCatalogue(doc)).map(([scope, purpose]) => {
    const endpoints = ops.filter((o) => o.scope === scope).map((o) => `${o.method} ${o.path}`);
    return `| ${scope} | ${purpose} | ${endpoints.join(", ")} |`;
  });
  return ["| Scope | Purpose | Endpoint |", "|---|---|---|", ...rows].join("\n");
}

export function errorCodesTable(doc: OpenApiDoc): string {
  const rows = errorCodes(doc).map((e) => `| ${e.status} | \`${e.code}\` | ${e.meaning.replace(/\|/g, "\\|")} |`);
  return ["| Status | Code | Meaning |", "|---|---|---|", ...rows].join("\n");
}
