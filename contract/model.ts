// The contract as one typed, read-only model: a bundled spec loaded once per path, its operations (with every
// $ref on their first level followed), the scope catalogue and the base paths. The server, the generators, the
// bench and the tests all read the spec through this; none of them walks the YAML its own way.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import {
  HTTP_METHODS,
  type HttpMethod,
  type OpenAPI3,
  type OperationObject,
  type ParameterObject,
  type PathItemObject,
  type ReferenceObject,
  type RequestBodyObject,
  type ResponseObject,
  type SchemaObject,
  type MediaTypeObject,
  type SchemaKeywords,
} from "./openapi.ts";
import { resolveRef } from "./refs.ts";
import { repoFiles } from "./repo-paths.ts";

/** The security scheme whose `x-scopes` is the scope catalogue and whose requirements name each scope. */
export const SECURITY_SCHEME = "systemToken";

/** A security requirement: scheme name -> the scopes it needs. */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

/** The root extension that lists, by status, the answers given before any operation is matched. */
export const UNROUTED_RESPONSES = "x-unrouted-responses";

const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(["get", "head", "options", "trace"]);

export interface Operation {
  readonly operationId: string;
  /** Upper case, as on the wire: "POST". */
  readonly method: Uppercase<HttpMethod>;
  /** The path as the spec writes it, without a server's base path: "/v1/cases/{caseId}/parties". */
  readonly path: string;
  readonly summary: string;
  readonly description: string;
  readonly tag: string;
  readonly security: readonly SecurityRequirement[];
  /** The one scope the operation needs, or null where it declares `security: []` (the token exchange). */
  readonly scope: string | null;
  /**
   * Whether a successful call changes state: an unsafe method (PUT, PATCH, DELETE), or a POST that answers 201
   * Created. A POST answering 200 (the token exchange) is an exchange, not a write.
   */
  readonly writes: boolean;
  /** Path-level and operation-level parameters, resolved (operation-level wins on the same name and place). */
  readonly parameters: readonly ParameterObject[];
  readonly requestBody: RequestBodyObject | undefined;
  /** The application/json request body's schema, resolved on its first level. */
  readonly requestSchema: SchemaObject | undefined;
  /** Every documented response by status ("201", "400", ...), resolved. */
  readonly responses: Readonly<Record<string, ResponseObject>>;
  readonly statuses: readonly string[];
  /** The operation object as the bundle has it, for what the model does not name. */
  readonly object: OperationObject;
}

export interface ScopeEntry {
  readonly name: string;
  readonly purpose: string;
}

export class Contract {
  readonly operations: readonly Operation[];
  /** The scope catalogue (`x-scopes` on the security scheme), in the spec's order. */
  readonly scopes: readonly ScopeEntry[];
  readonly scopeNames: readonly string[];
  /** The servers' path prefixes: "" for the local server, "/api" for the browser proxy. */
  readonly basePaths: readonly string[];
  /**
   * The answers given before any operation is matched (an unknown path, a wrong method, headers too large...), by
   * status, resolved: the root's `x-unrouted-responses`.
   */
  readonly unroutedResponses: Readonly<Record<string, ResponseObject>>;

  private readonly pathPatterns: ReadonlyMap<Operation, RegExp>;

  constructor(
    readonly doc: OpenAPI3,
    readonly bundlePath?: string,
  ) {
    this.operations = Object.freeze(readOperations(doc));
    this.pathPatterns = new Map(this.operations.map((op) => [op, pathPattern(op.path)]));
    const catalogue: Record<string, string> = doc.components?.securitySchemes?.[SECURITY_SCHEME]?.["x-scopes"] ?? {};
    this.scopes = Object.freeze(Object.entries(catalogue).map(([name, purpose]) => ({ name, purpose })));
    this.scopeNames = Object.freeze(this.scopes.map((s) => s.name));
    const servers = doc.servers?.length ? doc.servers : [{ url: "/" }];
    this.basePaths = Object.freeze([...new Set(servers.map((s) => basePathOf(s.url)))]);
    this.unroutedResponses = Object.freeze(resolveResponses(doc, doc[UNROUTED_RESPONSES] ?? {}));
  }

  /** The node a local $ref points to (see refs.ts), in this contract's document. */
  resolve<T>(node: T | { $ref: string }): T {
    return resolveRef<T>(this.doc, node);
  }

  operation(operationId: string): Operation {
    const op = this.operations.find((o) => o.operationId === operationId);
    if (!op) throw new Error(`${operationId} is not an operation of ${this.bundlePath ?? "the contract"}`);
    return op;
  }

  /** A schema or a $ref to one, resolved, with every keyword readable (see SchemaKeywords). */
  readSchema(node: SchemaObject | ReferenceObject | undefined): SchemaKeywords | undefined {
    return node && (this.resolve<SchemaObject>(node) as SchemaKeywords);
  }

  /** The operation a request reaches, from its method and its path as sent, without base path or query. */
  findOperation(method: string, path: string): Operation | undefined {
    return this.operations.find((op) => op.method === method.toUpperCase() && this.pathPatterns.get(op)?.test(path));
  }

  /** A named component schema, e.g. "Error". */
  schema(name: string): SchemaObject {
    const schema = this.doc.components?.schemas?.[name];
    if (!schema) throw new Error(`components/schemas/${name} is not in ${this.bundlePath ?? "the contract"}`);
    return schema;
  }
}

function readOperations(doc: OpenAPI3): Operation[] {
  const ops: Operation[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = resolveRef<PathItemObject>(doc, rawItem);
    for (const method of HTTP_METHODS) {
      if (!item[method]) continue;
      const object = resolveRef<OperationObject>(doc, item[method]);
      if (!object.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      // openapi-typescript types a requirement by its own components' keys; ours are scheme name -> scopes.
      const security = (object.security ?? doc.security ?? []) as SecurityRequirement[];
      const responses = resolveResponses(doc, object.responses ?? {});
      const requestBody = object.requestBody && resolveRef<RequestBodyObject>(doc, object.requestBody);
      const media = requestBody?.content?.["application/json"];
      const jsonSchema = media && resolveRef<MediaTypeObject>(doc, media).schema;
      ops.push({
        operationId: object.operationId,
        method: method.toUpperCase() as Uppercase<HttpMethod>,
        path,
        summary: object.summary ?? "",
        description: object.description ?? "",
        tag: object.tags?.[0] ?? "",
        security,
        scope: security[0]?.[SECURITY_SCHEME]?.[0] ?? null,
        writes: !SAFE_METHODS.has(method) && (method !== "post" || "201" in responses),
        parameters: mergeParameters(doc, item.parameters ?? [], object.parameters ?? []),
        requestBody,
        requestSchema: jsonSchema && resolveRef<SchemaObject>(doc, jsonSchema),
        responses,
        statuses: Object.keys(responses),
        object,
      });
    }
  }
  return ops;
}

function resolveResponses(
  doc: OpenAPI3,
  responses: Record<string, ResponseObject | ReferenceObject>,
): Record<string, ResponseObject> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, r]) => [status, resolveRef<ResponseObject>(doc, r)]),
  );
}

function mergeParameters(
  doc: OpenAPI3,
  pathLevel: NonNullable<PathItemObject["parameters"]>,
  operationLevel: NonNullable<OperationObject["parameters"]>,
): ParameterObject[] {
  const byKey = new Map<string, ParameterObject>();
  for (const raw of [...pathLevel, ...operationLevel]) {
    const parameter = resolveRef<ParameterObject>(doc, raw);
    byKey.set(
      `${parameter.in} ${parameter.in === "header" ? parameter.name.toLowerCase() : parameter.name}`,
      parameter,
    );
  }
  return [...byKey.values()];
}

/** "/v1/cases/{caseId}/parties" -> a pattern that matches "/v1/cases/case_1/parties". */
function pathPattern(template: string): RegExp {
  const literal = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literal.join("[^/]+")}$`);
}

function basePathOf(url: string): string {
  const path = new URL(url, "http://relative.invalid").pathname;
  return path === "/" ? "" : path.replace(/\/$/, "");
}

/** Whether an operation documents a request header (case-insensitive), e.g. "Idempotency-Key". */
export function declaresHeader(op: Operation, header: string): boolean {
  return op.parameters.some((p) => p.in === "header" && p.name.toLowerCase() === header.toLowerCase());
}

/** A contract from a document already in memory (a patched copy, an older release). */
export function contractOf(doc: OpenAPI3, bundlePath?: string): Contract {
  return new Contract(doc, bundlePath);
}

/** Reads a bundled spec file (YAML or JSON) without building the model: for tools that compare raw documents. */
export function readBundle(path: string = repoFiles.bundle): OpenAPI3 {
  return parse(readFileSync(path, "utf8")) as OpenAPI3;
}

const loaded = new Map<string, Contract>();

/** The contract in a bundle file, loaded once per path: generated/openapi.yaml unless another bundle is given. */
export function loadContract(bundlePath: string = repoFiles.bundle): Contract {
  let contract = loaded.get(bundlePath);
  if (!contract) {
    contract = new Contract(readBundle(bundlePath), bundlePath);
    loaded.set(bundlePath, contract);
  }
  return contract;
}
