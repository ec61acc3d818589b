// Builds llms.txt (the llmstxt.org format) from the bundled contract, so it cannot drift from the spec.
import { errorCodes, type Contract } from "../contract/index.ts";
import { loadWorkflowFiles } from "../contract/workflows.ts";
import { rulesList, scopesTable } from "./markdown-tables.ts";
import { workflowsMarkdown } from "./workflow-docs.ts";

function section(contract: Contract, heading: string): string {
  const description = contract.doc.info.description ?? "";
  const match = description.match(new RegExp(`^## ${heading}[^\\n]*\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, "m"));
  if (!match) throw new Error(`info.description has no "## ${heading}" section; llms.txt needs it`);
  return match[1].trim();
}

function firstSentence(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .split(/(?<=\.) /)[0];
}

export function buildLlmsTxt(contract: Contract): string {
  const { doc, operations: ops } = contract;
  const tokenOp = ops.find((o) => o.scope === null);
  if (!tokenOp) throw new Error("the spec has no token exchange (an operation with security: [])");
  const local = doc.servers?.find((s) => s.url.startsWith("http"))?.url;
  const proxy = doc.servers?.find((s) => s.url.startsWith("/"))?.url;
  const statuses = new Map<string, string[]>();
  for (const e of errorCodes(contract)) statuses.set(e.status, [...(statuses.get(e.status) ?? []), `\`${e.code}\``]);

  const lines = [
    `# ${doc.info.title}`,
    "",
    `> ${doc.info.summary} Server-to-server only: a firm's backend exchanges an API integration's client credentials`,
    `> for a short-lived, least-privilege system token (JWT), then calls only the endpoints its scopes allow.`,
    `> Contract version ${doc.info.version}; the OpenAPI document is the source of truth for every path, field and scope.`,
    "",
    "## Quickstart",
    "",
    section(contract, "Quickstart"),
    "",
    "## Authentication guardrails",
    "",
    "- Secrets never belong in browser code; browser contexts use the same-origin proxy prefix " +
      `\`${proxy}\` (so \`${proxy}/v1/...\`) and never hold a clientSecret.`,
    `- The token exchange is POST-only and server-side: \`${tokenOp.method} ${tokenOp.path}\` with \`clientId\`, \`clientSecret\`, \`scopes\`, \`expiresInSeconds\`.`,
    "- Request the smallest scope set possible. Requested scopes are intersected with the integration's and the firm's enabled scopes; the granted set is `principal.scopes`.",
    "- `allowedIpRanges` are enforced at token issuance and at every API call (`403 ip_not_allowed`).",
    "- Send `Authorization: Bearer <accessToken>`; when it expires (`401 token_expired`), exchange credentials again.",
    "- Do not invent endpoints: only the operations below exist.",
    "",
    "## Operations",
    "",
    ...ops.map(
      (o) =>
        `- \`${o.method} ${o.path}\` (\`${o.operationId}\`, scope: ${o.scope ? `\`${o.scope}\`` : "none, client credentials in the body"}): ${o.summary}. ${firstSentence(o.description)}`,
    ),
    "",
    "## Scopes",
    "",
    scopesTable(contract),
    "",
    "## Errors",
    "",
    "Branch on the HTTP status first; error body fields are useful but optional. Every error is",
    '`{ "ok": false, "error": { "code", "message", "details" }, "requestId" }` and every response carries `X-Request-Id`.',
    "`code` is an open string: handle unknown codes by their status.",
    "",
    ...[...statuses].map(([status, codes]) => `- ${status}: ${codes.join(", ")}`),
    "",
    "## Duplicate safeguards",
    "",
    section(contract, "Duplicate safeguards"),
    "",
    "## Rules",
    "",
    "What the contract states in words, each with its id (`x-rules` in the OpenAPI document); the conformance suite",
    "checks each one by id, or names the reference server's test that does.",
    "",
    rulesList(contract),
    "",
    "## Workflows",
    "",
    "The flows the product page describes, as Arazzo 1.0.1 workflows (`spec/workflows/`); `npm run workflows` runs them",
    "with Redocly Respect against any deployment.",
    "",
    workflowsMarkdown(contract, loadWorkflowFiles()),
    "",
    "## Files",
    "",
    "- [Full reference (Markdown)](llms-full.txt): every operation with its parameters, bodies, responses, error codes and examples, each schema once, and the workflows step by step, in one file.",
    "- [OpenAPI document (bundled)](generated/openapi.yaml): machine-readable endpoints, request and response schemas, examples.",
    "- [API reference (HTML)](generated/docs/index.html): the same contract as a page, served by the reference server at `/docs`.",
    `- Local reference server: \`${local}\` (\`npm start\`), which also serves \`/openapi.yaml\`, \`/llms.txt\` and \`/llms-full.txt\`.`,
    "",
    "## Optional",
    "",
    "- [README](README.md): the toolkit (reference server, Prism mock, conformance suite) and its commands.",
    "- [TypeScript types](generated/schema.d.ts): generated with openapi-typescript, for openapi-fetch clients.",
    "",
  ];
  return lines.join("\n");
}
