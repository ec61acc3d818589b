// Builds llms-full.txt (llmstxt.org's full-text companion of llms.txt): the whole reference as Markdown, read from
// the bundled contract and the Arazzo workflows. Each named component (schema, shared response, parameter, header)
// is rendered once, in its own section, and operations refer to it by name, so the file stays small enough to read
// whole (test/contract/llms-full.test.ts holds it to 80 kB).
import { stringify } from "yaml";
import {
  codesOf,
  isRef,
  pointerSegments,
  type Contract,
  type ExampleObject,
  type MediaTypeObject,
  type Operation,
  type ParameterObject,
  type ReferenceObject,
  type ResponseObject,
  type WorkflowFile,
  UNROUTED_RESPONSES,
} from "../contract/index.ts";
import { workflowMarkdown } from "../contract/workflow-markdown.ts";
import { errorCodesTable, scopesTable } from "./markdown-tables.ts";

/** "#/components/schemas/CaseResponse" -> "CaseResponse". */
const refName = (ref: ReferenceObject) => pointerSegments(ref.$ref).at(-1) ?? ref.$ref;

/** A schema as a reader needs it in one line: a named one by name, an inline one as compact JSON. */
function schemaText(schema: unknown): string {
  if (isRef(schema)) return `\`${refName(schema)}\``;
  return `\`${JSON.stringify(schema, (_k, v) => (isRef(v) ? refName(v) : v))}\``;
}

/** Markdown from the spec with its headings moved down a level, to sit under one of this file's sections. */
const nested = (markdown: string) => markdown.trim().replace(/^(#+) /gm, "$1# ");

const oneLine = (text: string | undefined) => (text ?? "").replace(/\s+/g, " ").trim();

function examples(media: MediaTypeObject | undefined, contract: Contract, indent = "  "): string[] {
  return Object.entries(media?.examples ?? {}).map(([name, raw]) => {
    const example = contract.resolve<ExampleObject>(raw);
    return `${indent}- example \`${name}\`${example.summary ? ` (${example.summary})` : ""}: \`${JSON.stringify(example.value)}\``;
  });
}

/** A response's headers by name, each with the Headers entry it refers to where that is named otherwise. */
function headerNames(headers: Record<string, unknown>): string {
  return Object.entries(headers)
    .map(([name, raw]) => (isRef(raw) && refName(raw) !== name ? `\`${name}\` (\`${refName(raw)}\`)` : `\`${name}\``))
    .join(", ");
}

function parameterLine(raw: ParameterObject | ReferenceObject, contract: Contract): string {
  const p = contract.resolve<ParameterObject>(raw);
  const where = `${p.in}, ${p.required ? "required" : "optional"}`;
  // A shared parameter is described once under Parameters; an operation's own is described here.
  if (isRef(raw)) return `- \`${p.name}\` (${where}): see Parameters, \`${refName(raw)}\``;
  return `- \`${p.name}\` (${where}, ${schemaText(p.schema)}): ${oneLine(p.description)}`;
}

function responseLines(status: string, raw: ResponseObject | ReferenceObject, contract: Contract): string[] {
  const response = contract.resolve<ResponseObject>(raw);
  const codes = codesOf(contract, [[status, response]]).map((c) => `\`${c.code}\``);
  if (isRef(raw))
    return [
      `- \`${status}\`: see Shared responses, \`${refName(raw)}\`${codes.length ? ` (${codes.join(", ")})` : ""}`,
    ];
  const media = response.content?.["application/json"];
  const lines = [`- \`${status}\`: ${oneLine(response.description)}`];
  if (media?.schema) lines.push(`  - body: ${schemaText(media.schema)}`);
  if (response.headers) lines.push(`  - headers: ${headerNames(response.headers)}`);
  lines.push(...examples(media, contract));
  for (const [name, link] of Object.entries(response.links ?? {})) {
    const { description, ...rest } = contract.resolve<{ description?: string }>(link);
    lines.push(`  - link \`${name}\`: \`${JSON.stringify(rest)}\``);
  }
  return lines;
}

function operationSection(op: Operation, contract: Contract): string {
  const rawItem = contract.resolve<{ parameters?: (ParameterObject | ReferenceObject)[] }>(
    contract.doc.paths?.[op.path] ?? {},
  );
  const parameters = [...(rawItem.parameters ?? []), ...(op.object.parameters ?? [])];
  const lines = [
    `### ${op.operationId}: \`${op.method} ${op.path}\``,
    "",
    `${op.summary}. Scope: ${op.scope ? `\`${op.scope}\`` : "none (client credentials in the body)"}.`,
    "",
    op.description.trim(),
    "",
  ];
  if (parameters.length) lines.push("Parameters:", "", ...parameters.map((p) => parameterLine(p, contract)), "");
  if (op.requestBody) {
    const media = contract.resolve<MediaTypeObject | undefined>(op.requestBody.content?.["application/json"]);
    lines.push(
      `Request body (${op.requestBody.required ? "required" : "optional"}, application/json): ${schemaText(media?.schema)}`,
      ...examples(media, contract),
      "",
    );
  }
  const rawResponses = op.object.responses ?? {};
  lines.push("Responses:", "", ...Object.entries(rawResponses).flatMap(([s, r]) => responseLines(s, r, contract)));
  return lines.join("\n");
}

/** Each entry of a components section once, under its name. */
function componentSection<T>(
  title: string,
  entries: Record<string, T> | undefined,
  render: (name: string, value: T) => string[],
): string[] {
  const named = Object.entries(entries ?? {});
  if (!named.length) return [];
  return [`## ${title}`, "", ...named.flatMap(([name, value]) => [`### ${name}`, "", ...render(name, value), ""])];
}

export function buildLlmsFullTxt(contract: Contract, workflowFiles: readonly WorkflowFile[]): string {
  const { doc } = contract;
  const components = doc.components ?? {};
  const scheme = components.securitySchemes ?? {};
  const workflows = workflowFiles.flatMap((f) => f.workflows);
  const lines = [
    `# ${doc.info.title}: full reference`,
    "",
    `> ${doc.info.summary}`,
    "> The whole reference in one file: every operation with its scope, parameters, bodies, responses, error codes",
    "> and examples, each named schema once, and the workflows step by step. Generated from the OpenAPI document",
    `> (contract version ${doc.info.version}) and the Arazzo workflows; llms.txt is the index.`,
    "",
    "## About",
    "",
    nested(doc.info.description ?? ""),
    "",
    "## Servers",
    "",
    ...(doc.servers ?? []).map((s) => `- \`${s.url}\`: ${oneLine(s.description)}`),
    "",
    "## Authentication",
    "",
    ...Object.entries(scheme).flatMap(([name, raw]) => {
      const s = contract.resolve<{ type: string; scheme?: string; description?: string }>(raw);
      return [`Security scheme \`${name}\` (${s.type} ${s.scheme ?? ""}):`, "", (s.description ?? "").trim(), ""];
    }),
    scopesTable(contract),
    "",
    "## Operations",
    "",
    ...contract.operations.flatMap((op) => [operationSection(op, contract), ""]),
    ...componentSection("Shared responses", components.responses, (name, raw) => {
      const r = contract.resolve<ResponseObject>(raw);
      const media = r.content?.["application/json"];
      const unrouted = Object.entries(doc[UNROUTED_RESPONSES] ?? {}).filter(([, u]) => isRef(u) && refName(u) === name);
      return [
        ...unrouted.map(
          ([status]) => `Also the \`${status}\` given before any operation is matched (\`${UNROUTED_RESPONSES}\`).\n`,
        ),
        r.description?.trim() ?? "",
        "",
        ...(media?.schema ? [`- body: ${schemaText(media.schema)}`] : []),
        ...(r.headers ? [`- headers: ${headerNames(r.headers)}`] : []),
        ...examples(media, contract, ""),
      ];
    }),
    ...componentSection("Parameters", components.parameters, (_name, raw) => {
      const p = contract.resolve<ParameterObject>(raw);
      return [
        `\`${p.name}\` in ${p.in}, ${p.required ? "required" : "optional"}, ${schemaText(p.schema)}.`,
        "",
        oneLine(p.description),
      ];
    }),
    ...componentSection("Headers", components.headers, (_name, raw) => {
      const h = contract.resolve<{ description?: string; schema?: unknown }>(raw);
      return [`${schemaText(h.schema)}: ${oneLine(h.description)}`];
    }),
    ...componentSection("Schemas", components.schemas, (_name, schema) => [
      "```yaml",
      stringify(schema, { lineWidth: 0 }).trim(),
      "```",
    ]),
    "## Error codes",
    "",
    "Branch on the HTTP status first; `code` is an open string. The codes documented today:",
    "",
    errorCodesTable(contract),
    "",
  ];
  if (workflows.length)
    lines.push(
      "## Workflows",
      "",
      "Arazzo 1.0.1 workflows (spec/workflows/): the documented flows, step by step, with the criteria each step must meet.",
      "",
      ...workflows.flatMap((w) => [workflowMarkdown(w, "###"), ""]),
    );
  return lines.join("\n");
}
