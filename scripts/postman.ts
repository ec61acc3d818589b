// generated/postman_collection.json: openapi-to-postmanv2's collection, made runnable and deterministic. The token
// exchange stores the token in a collection variable that the collection's Bearer auth sends; ids a later request
// needs are stored the same way; the converter's random ids and faked header values are replaced by values derived
// from the operation, so regenerating an unchanged spec changes nothing. The variables a partner sets carry the
// product page's names (VERIFY_CLIENT_BASE_URL...); the names of 1.0.0 (baseUrl, clientId...) still work.
import { createHash } from "node:crypto";
import { convertV2 } from "openapi-to-postmanv2";
import type { Contract, OpenAPI3 } from "../contract/index.ts";
import {
  CREDENTIAL_VARIABLES,
  ENVIRONMENT_NAMES,
  TOKEN_VARIABLE,
  exampleRequests,
  type ExampleRequest,
} from "./request-examples.ts";

/** A UUID (version 5 layout) from a name, so the same operation always gets the same id. */
export function stableUuid(name: string): string {
  const hex = createHash("sha1").update(`verify-client-postman:${name}`).digest("hex").slice(0, 32).split("");
  hex[12] = "5";
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function convert(doc: OpenAPI3): Promise<any> {
  const options = { folderStrategy: "Tags", parametersResolution: "Example", requestNameSource: "Fallback" } as const;
  return new Promise((resolve, reject) =>
    convertV2({ type: "json", data: doc }, options, (err: unknown, result: any) => {
      if (err || !result?.result) reject(err ?? new Error(`openapi-to-postmanv2: ${result?.reason}`));
      else resolve(result.output[0].data);
    }),
  );
}

/** "POST /v1/cases/{caseId}/parties" for a Postman request, whose path segments use ":caseId". */
export function postmanOperation(request: any): string {
  const path = (request.url.path as string[]).map((s) => s.replace(/^:(.+)$/, "{$1}")).join("/");
  return `${request.method} /${path}`;
}

/** The collection variable for a value: the product page's name where it has one (accessToken -> VERIFY_CLIENT_ACCESS_TOKEN). */
function variableName(name: string): string {
  return Object.hasOwn(ENVIRONMENT_NAMES, name) ? ENVIRONMENT_NAMES[name as keyof typeof ENVIRONMENT_NAMES] : name;
}

function storeScript(captures: string[]): any[] {
  if (captures.length === 0) return [];
  const exec = [
    `// Keep what later requests need in collection variables (the collection's Bearer auth sends {{${variableName(TOKEN_VARIABLE)}}}).`,
    "if (pm.response.code >= 200 && pm.response.code < 300) {",
    "  const body = pm.response.json();",
    ...captures.map(
      (name) => `  pm.collectionVariables.set(${JSON.stringify(variableName(name))}, body[${JSON.stringify(name)}]);`,
    ),
    "}",
  ];
  return [{ listen: "test", script: { type: "text/javascript", exec } }];
}

/** Before each request: a value set under its 1.0.0 name (clientId...) still wins, with a deprecation line. */
function deprecatedNamesScript(): any[] {
  const renamed = Object.entries(ENVIRONMENT_NAMES);
  const exec = [
    "// 1.0.0 named these variables baseUrl, clientId, clientSecret and accessToken: honour a value set under the old name.",
    `for (const [old, name] of ${JSON.stringify(renamed)}) {`,
    "  const value = pm.collectionVariables.get(old) || pm.environment.get(old);",
    "  if (value) {",
    "    pm.collectionVariables.set(name, value);",
    "    console.warn(`the variable ${old} is deprecated: set ${name} instead`);",
    "  }",
    "}",
  ];
  return [{ listen: "prerequest", script: { type: "text/javascript", exec } }];
}

/** {{baseUrl}} -> {{VERIFY_CLIENT_BASE_URL}} everywhere in the collection (URLs, bodies, auth). */
function renameVariables(json: string): string {
  return json.replace(/\{\{(\w+)\}\}/g, (_, name: string) => `{{${variableName(name)}}}`);
}

function wire(item: any, example: ExampleRequest): void {
  const op = example.operation;
  item.id = stableUuid(op.operationId);
  item.event = storeScript(example.captures);
  const request = item.request;
  if (!example.needsToken) request.auth = { type: "noauth" };
  else delete request.auth;
  for (const variable of request.url.variable ?? []) {
    const param = example.pathParams.find((p) => p.name === variable.key);
    if (param) variable.value = param.value;
  }
  for (const query of request.url.query ?? []) {
    const param = example.query.find((p) => p.name === query.key);
    if (param) query.disabled = !param.enabled;
  }
  if (example.body !== undefined && request.body?.mode === "raw")
    request.body.raw = JSON.stringify(example.body, null, 2);
  item.response = (item.response ?? []).map((response: any, i: number) => ({
    ...response,
    id: stableUuid(`${op.operationId} response ${i} ${response.code}`),
  }));
}

/**
 * The converter fakes a value for a parameter without an example (Idempotency-Key, cursor), differently on every
 * run, in each request and in each saved response's original request: pin them all to ours.
 */
function pinParameterValues(node: any, values: Map<string, string>): void {
  if (Array.isArray(node)) return node.forEach((n) => pinParameterValues(n, values));
  if (!node || typeof node !== "object") return;
  if (typeof node.key === "string" && values.has(node.key) && "value" in node) node.value = values.get(node.key);
  Object.values(node).forEach((n) => pinParameterValues(n, values));
}

export async function buildPostmanCollection(contract: Contract): Promise<string> {
  const { doc } = contract;
  const collection = await convert(structuredClone(doc));
  const examples = exampleRequests(contract);
  const requests = (collection.item as any[]).flatMap((folder) => (folder.request ? [folder] : (folder.item ?? [])));
  for (const item of requests) {
    const example = examples.find(
      (e) => `${e.operation.method} ${e.operation.path}` === postmanOperation(item.request),
    );
    if (!example) throw new Error(`Postman request ${postmanOperation(item.request)} matches no operation`);
    wire(item, example);
  }
  const parameterValues = new Map(
    examples
      .flatMap((e) => [...e.query, ...e.headers.map((h) => ({ name: h.name, value: h.value }))])
      .map((p) => [p.name, p.value]),
  );
  pinParameterValues(collection, parameterValues);
  collection.info._postman_id = stableUuid(`${doc.info.title} ${doc.info.version}`);
  collection.auth = { type: "bearer", bearer: [{ key: "token", value: `{{${TOKEN_VARIABLE}}}`, type: "string" }] };
  collection.event = deprecatedNamesScript();
  const baseUrl = collection.variable?.find((v: any) => v.key === "baseUrl")?.value ?? doc.servers?.[0]?.url;
  const captured = [...new Set(examples.flatMap((e) => e.captures))];
  const described = (key: string) => (key === variableName(key) ? {} : { description: `formerly ${key}` });
  collection.variable = [
    { key: "baseUrl", value: baseUrl },
    ...CREDENTIAL_VARIABLES.map((key) => ({ key, value: "" })),
    ...captured.map((key) => ({ key, value: "" })),
  ].map((variable) => ({ ...variable, key: variableName(variable.key), ...described(variable.key) }));
  return renameVariables(`${JSON.stringify(collection, null, 2)}\n`);
}
