// Each operation of the contract as an MCP tool: its name, description, one input schema that merges the path,
// query and header parameters with the body's fields, and its output schema; and how a tool's arguments split back
// into a request. Everything is read from the contract, so an operation added to the spec is a tool with no code.
import { inlineRefs, type Contract, type Operation, type SchemaKeywords } from "../contract/index.ts";

/** The header a write's retry key travels in, where an operation declares it; the tool takes it as `idempotencyKey`. */
const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const IDEMPOTENCY_ARGUMENT = "idempotencyKey";

type JsonSchema = Record<string, unknown>;

export interface OperationTool {
  readonly operation: Operation;
  readonly name: string;
  readonly description: string;
  readonly inputSchema: JsonSchema & { type: "object" };
  /** The success answer's schema, self-contained; declared to clients only where it is an object (MCP's rule). */
  readonly responseSchema: JsonSchema | undefined;
  /** Where each argument goes: a parameter (by its name and place) or a body field. */
  readonly placement: ReadonlyMap<string, { in: "path" | "query" | "header" | "body"; name: string }>;
}

function successSchema(contract: Contract, op: Operation): JsonSchema | undefined {
  const status = op.statuses.find((s) => s.startsWith("2"));
  const media = status ? op.responses[status].content?.["application/json"] : undefined;
  const schema = media && contract.resolve<{ schema?: unknown }>(media).schema;
  return schema === undefined ? undefined : inlineRefs<JsonSchema>(contract.doc, schema as JsonSchema);
}

function toolFor(contract: Contract, op: Operation): OperationTool {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const placement = new Map<string, { in: "path" | "query" | "header" | "body"; name: string }>();
  const add = (argument: string, schema: JsonSchema, where: "path" | "query" | "header" | "body", name: string) => {
    if (placement.has(argument))
      throw new Error(
        `${op.operationId}: "${argument}" is both a ${placement.get(argument)?.in} input and a ${where} one`,
      );
    properties[argument] = schema;
    placement.set(argument, { in: where, name });
  };

  for (const p of op.parameters) {
    if (p.in === "cookie") continue;
    const schema = inlineRefs<JsonSchema>(contract.doc, { ...(p.schema as JsonSchema), description: p.description });
    if (p.in === "header" && p.name.toLowerCase() === IDEMPOTENCY_HEADER.toLowerCase()) {
      const derived =
        "Optional: without it the key is derived from the tool and its arguments, so a repeated call replays the first answer.";
      add(
        IDEMPOTENCY_ARGUMENT,
        { ...schema, description: `${p.description?.trim() ?? ""} ${derived}` },
        "header",
        p.name,
      );
      continue;
    }
    add(p.name, schema, p.in as "path" | "query" | "header", p.name);
    if (p.required) required.push(p.name);
  }
  const body = op.requestSchema && inlineRefs<SchemaKeywords>(contract.doc, op.requestSchema as SchemaKeywords);
  if (body?.properties) {
    for (const [name, schema] of Object.entries(body.properties)) add(name, schema as JsonSchema, "body", name);
    if (op.requestBody?.required) required.push(...(body.required ?? []));
  } else if (body) {
    add("body", body as JsonSchema, "body", "");
    if (op.requestBody?.required) required.push("body");
  }

  const scope = op.scope
    ? `Needs the \`${op.scope}\` scope: the server exchanges its credentials for a token holding just that.`
    : "";
  return {
    operation: op,
    name: op.operationId,
    description: [`${op.summary}. ${op.description.trim()}`, scope].filter(Boolean).join("\n\n"),
    inputSchema: { type: "object", properties, required, additionalProperties: false },
    responseSchema: successSchema(contract, op),
    placement,
  };
}

/** One tool per operation, in the spec's order, except the token exchange (the server does it itself). */
export function operationTools(contract: Contract): OperationTool[] {
  return contract.operations.filter((op) => op.scope !== null).map((op) => toolFor(contract, op));
}
