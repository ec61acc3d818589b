// One runnable example request per operation, read from the spec's examples, for the Postman collection and the
// .http file. Values a partner supplies or a previous response returns become {{variables}}: the credentials,
// the access token, and ids that an earlier operation returns (createCase's caseId feeds addParty's path).
import type { Contract, ExampleObject, MediaTypeObject, Operation, ParameterObject } from "../contract/index.ts";

export interface ExampleParam {
  name: string;
  value: string;
  description: string;
  /** Sent as is; false for optional query parameters without a default (a placeholder value would be wrong). */
  enabled: boolean;
}

export interface ExampleRequest {
  operation: Operation;
  pathParams: ExampleParam[];
  query: ExampleParam[];
  headers: { name: string; value: string }[];
  body?: unknown;
  /** Response fields that later requests use ({{accessToken}}, {{caseId}}...): store them from this response. */
  captures: string[];
  /** Needs `Authorization: Bearer {{accessToken}}`. */
  needsToken: boolean;
}

/** The integration's credentials: typed in once as variables, never written into a generated file. */
export const CREDENTIAL_VARIABLES = ["clientId", "clientSecret"] as const;
export const TOKEN_VARIABLE = "accessToken";
/** The product page's environment variable for each of these (the Quickstart, the typed client and the CLI read them). */
export const ENVIRONMENT_NAMES = {
  baseUrl: "VERIFY_CLIENT_BASE_URL",
  clientId: "VERIFY_CLIENT_CLIENT_ID",
  clientSecret: "VERIFY_CLIENT_CLIENT_SECRET",
  accessToken: "VERIFY_CLIENT_ACCESS_TOKEN",
} as const;
/** A fresh key per send; a retry of the same send must reuse it. */
export const IDEMPOTENCY_KEY_VALUE = "{{$guid}}";

const variable = (name: string) => `{{${name}}}`;

/** The first example of the JSON request body, as a copy a generator may edit. */
function requestExample(contract: Contract, op: Operation): unknown {
  const content = op.requestBody?.content?.["application/json"];
  if (!content) return undefined;
  const media = contract.resolve<MediaTypeObject>(content);
  const first = Object.values(media.examples ?? {})[0];
  return structuredClone(media.example ?? (first && contract.resolve<ExampleObject>(first).value));
}

function successFields(contract: Contract, op: Operation): string[] {
  const status = op.statuses.find((s) => s.startsWith("2"));
  const schema = status && contract.readSchema(op.responses[status].content?.["application/json"]?.schema);
  return Object.keys((schema && schema.properties) ?? {});
}

export function exampleRequests(contract: Contract): ExampleRequest[] {
  const ops = contract.operations;
  const bodies = new Map(ops.map((op) => [op.operationId, requestExample(contract, op)]));
  // An id is worth capturing when another operation takes it, as a path parameter or a body field.
  const inputsOf = (op: Operation) => [
    ...op.parameters.filter((p) => p.in === "path").map((p) => p.name),
    ...Object.keys(bodies.get(op.operationId) ?? {}),
  ];
  const captured = new Set<string>();

  return ops.map((op) => {
    const params = op.parameters;
    const example = (p: ParameterObject) => {
      const schema = contract.readSchema(p.schema);
      return String(p.example ?? schema?.example ?? schema?.default ?? "");
    };
    const pathParams = params
      .filter((p) => p.in === "path")
      .map((p) => ({
        name: p.name,
        value: captured.has(p.name) ? variable(p.name) : example(p),
        description: p.description ?? "",
        enabled: true,
      }));
    const query = params
      .filter((p) => p.in === "query")
      .map((p) => ({
        name: p.name,
        value: example(p),
        description: p.description ?? "",
        enabled: p.required === true || contract.readSchema(p.schema)?.default !== undefined,
      }));
    const headers = params
      .filter((p) => p.in === "header")
      .map((p) => ({ name: p.name, value: p.name === "Idempotency-Key" ? IDEMPOTENCY_KEY_VALUE : example(p) }));

    let body = bodies.get(op.operationId);
    if (body && typeof body === "object") {
      const fields: Record<string, unknown> = { ...body };
      for (const field of Object.keys(fields)) {
        if ((CREDENTIAL_VARIABLES as readonly string[]).includes(field) || captured.has(field))
          fields[field] = variable(field);
      }
      // The token exchange asks for the whole catalogue, so one token runs every request after it.
      if (op.scope === null && "scopes" in fields) fields.scopes = [...contract.scopeNames];
      body = fields;
    }

    const others = ops.filter((o) => o !== op).flatMap(inputsOf);
    const captures = successFields(contract, op).filter(
      (f) => f === TOKEN_VARIABLE || (/Id$/.test(f) && others.includes(f)),
    );
    captures.forEach((f) => captured.add(f));
    return { operation: op, pathParams, query, headers, body, captures, needsToken: op.scope !== null };
  });
}
