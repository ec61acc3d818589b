// Checks one HTTP response against generated/openapi.yaml: the status is documented for the operation, the
// content type is a documented one, the body validates against the documented schema (closed objects, so an
// undocumented field fails), every required documented header is present and every documented header present
// matches its schema. It also holds the rules the spec states in prose about headers (RFC 6750 challenges on
// bearer 401/403, `requestId` repeating `X-Request-Id`). Each violation names the spec location it breaks.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import {
  atPointer,
  isRef,
  jsonPointer,
  loadContract,
  pointerSegments,
  type Contract,
  type HeaderObject,
  type ResponseObject,
  type SchemaKeywords,
} from "../../contract/index.ts";

export interface ObservedResponse {
  method: string;
  /** The path as sent, without the base URL's own path prefix and without the query: `/v1/cases/case_1/parties`. */
  path: string;
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface Violation {
  /** Where the broken rule is written: a JSON pointer into generated/openapi.yaml, or the prose rule it restates. */
  rule: string;
  message: string;
}

export interface OperationMatch {
  operationId: string;
  method: string;
  template: string;
  pointer: string;
  /** The one scope a bearer-secured operation needs; null for the token exchange. */
  scope: string | null;
}

export interface ValidationResult {
  operation?: OperationMatch;
  violations: Violation[];
}

/** One key of a JSON pointer, escaped: "application/json" -> "application~1json". */
const escapePointer = (segment: string) => jsonPointer([segment]).slice(2);

export class ResponseValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly contract: Contract = loadContract()) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addSchema(contract.doc, "openapi");
  }

  /** The documented operation for a method and a path as sent (`/v1/cases/case_1/parties`). */
  findOperation(method: string, path: string): OperationMatch | undefined {
    const op = this.contract.findOperation(method, path);
    if (!op) return undefined;
    return {
      operationId: op.operationId,
      method: op.method,
      template: op.path,
      pointer: jsonPointer(["paths", op.path, op.method.toLowerCase()]),
      scope: op.scope,
    };
  }

  validate(observed: ObservedResponse): ValidationResult {
    const operation = this.findOperation(observed.method, observed.path);
    // An answer made before an operation is matched (an unknown path, a wrong method, a request the parser
    // refused) has its home in the root's x-unrouted-responses.
    const unrouted = `#/x-unrouted-responses/${observed.status}`;
    const isUnrouted = this.node(unrouted) !== undefined;
    if (!operation) {
      if (isUnrouted) return { violations: this.checkResponse(observed, unrouted) };
      return {
        violations: [
          { rule: "#/paths", message: `${observed.method} ${observed.path} is not an operation of the contract` },
        ],
      };
    }
    const responses = this.node<Record<string, unknown>>(`${operation.pointer}/responses`) ?? {};
    const statusKey = [String(observed.status), `${String(observed.status)[0]}XX`, "default"].find(
      (key) => key in responses,
    );
    if (!statusKey && isUnrouted) return { operation, violations: this.checkResponse(observed, unrouted) };
    const violations: Violation[] = [];
    if (!statusKey) {
      violations.push({
        rule: `${operation.pointer}/responses`,
        message: `status ${observed.status} is not documented for ${operation.operationId} (documented: ${Object.keys(responses).join(", ")})`,
      });
      return { operation, violations };
    }
    violations.push(...this.checkResponse(observed, `${operation.pointer}/responses/${statusKey}`));
    this.checkProseRules(observed, operation, violations);
    return { operation, violations };
  }

  private checkResponse(observed: ObservedResponse, pointer: string): Violation[] {
    const violations: Violation[] = [];
    const responsePointer = this.follow(pointer);
    const response = this.node<ResponseObject>(responsePointer)!;
    this.checkBody(observed, responsePointer, response, violations);
    this.checkHeaders(observed, responsePointer, response, violations);
    return violations;
  }

  private checkBody(
    observed: ObservedResponse,
    responsePointer: string,
    response: ResponseObject,
    violations: Violation[],
  ): void {
    const content: Record<string, unknown> = response.content ?? {};
    const mediaTypes = Object.keys(content);
    const contentType = observed.headers["content-type"];
    if (mediaTypes.length === 0) {
      if (observed.body.length > 0)
        violations.push({
          rule: `${responsePointer}/content`,
          message: "the response documents no body, but one was sent",
        });
      return;
    }
    const mediaType = contentType?.split(";")[0].trim().toLowerCase();
    if (!mediaType || !mediaTypes.includes(mediaType)) {
      violations.push({
        rule: `${responsePointer}/content`,
        message: `Content-Type ${contentType === undefined ? "is missing" : JSON.stringify(contentType)}; documented: ${mediaTypes.join(", ")}`,
      });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(observed.body);
    } catch {
      violations.push({
        rule: `${responsePointer}/content/${escapePointer(mediaType)}`,
        message: `the body is not JSON: ${JSON.stringify(observed.body.slice(0, 80))}`,
      });
      return;
    }
    const schemaPointer = this.follow(`${responsePointer}/content/${escapePointer(mediaType)}/schema`);
    const validate = this.validatorFor(schemaPointer);
    if (!validate(body)) {
      for (const error of validate.errors ?? []) violations.push(this.describeSchemaError(schemaPointer, error));
    }
  }

  private checkHeaders(
    observed: ObservedResponse,
    responsePointer: string,
    response: ResponseObject,
    violations: Violation[],
  ): void {
    for (const name of Object.keys(response.headers ?? {})) {
      const headerPointer = this.follow(`${responsePointer}/headers/${escapePointer(name)}`);
      const header = this.node<HeaderObject>(headerPointer)!;
      const value = observed.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required)
          violations.push({ rule: `${headerPointer}/required`, message: `the ${name} header is required and missing` });
        continue;
      }
      const schemaPointer = `${headerPointer}/schema`;
      const typed =
        this.node<SchemaKeywords>(schemaPointer)?.type === "integer" && /^-?\d+$/.test(value) ? Number(value) : value;
      const validate = this.validatorFor(schemaPointer);
      if (!validate(typed)) {
        const reasons = (validate.errors ?? []).map((e) => e.message).join("; ");
        violations.push({
          rule: schemaPointer,
          message: `the ${name} header ${JSON.stringify(value)} does not match its schema: ${reasons}`,
        });
      }
    }
  }

  // Rules the spec states in its header descriptions rather than in a schema.
  private checkProseRules(observed: ObservedResponse, operation: OperationMatch, violations: Violation[]): void {
    const challenge = observed.headers["www-authenticate"];
    const body = parseJson(observed.body);
    const code = body?.error?.code;
    if (operation.scope && observed.status === 401 && !/^Bearer\b.*\berror="invalid_token"/.test(challenge ?? "")) {
      violations.push({
        rule: "#/components/headers/WWW-Authenticate (RFC 6750)",
        message: `a 401 from a bearer-secured operation must carry WWW-Authenticate: Bearer error="invalid_token"; got ${challenge === undefined ? "none" : JSON.stringify(challenge)}`,
      });
    }
    if (operation.scope && observed.status === 403 && code === "insufficient_scope") {
      const named = challenge?.match(/\bscope="([^"]*)"/)?.[1]?.split(" ") ?? [];
      if (!/^Bearer\b.*\berror="insufficient_scope"/.test(challenge ?? "") || !named.includes(operation.scope)) {
        violations.push({
          rule: "#/components/headers/WWW-Authenticate (RFC 6750)",
          message: `a 403 insufficient_scope must carry WWW-Authenticate: Bearer error="insufficient_scope", scope="${operation.scope}"; got ${challenge === undefined ? "none" : JSON.stringify(challenge)}`,
        });
      }
    }
    const requestId = observed.headers["x-request-id"];
    if (
      observed.status >= 400 &&
      typeof body?.requestId === "string" &&
      requestId !== undefined &&
      body.requestId !== requestId
    ) {
      violations.push({
        rule: "#/components/headers/X-Request-Id (error bodies repeat it as requestId)",
        message: `the body's requestId ${JSON.stringify(body.requestId)} differs from X-Request-Id ${JSON.stringify(requestId)}`,
      });
    }
  }

  private validatorFor(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  // Names the schema that holds the broken keyword: the instance path walked through the schema, following $refs.
  private describeSchemaError(rootPointer: string, error: ErrorObject): Violation {
    let pointer = this.follow(rootPointer);
    for (const segment of pointerSegments(error.instancePath)) {
      const schema = this.node<SchemaKeywords>(pointer);
      if (schema?.properties?.[segment] !== undefined)
        pointer = this.follow(`${pointer}/properties/${escapePointer(segment)}`);
      else if (schema?.items !== undefined && /^\d+$/.test(segment)) pointer = this.follow(`${pointer}/items`);
      else break;
    }
    const where = error.instancePath === "" ? "the body" : `body${error.instancePath}`;
    const params = error.params as Record<string, unknown>;
    const detail =
      error.keyword === "additionalProperties"
        ? ` (undocumented field ${JSON.stringify(params.additionalProperty)})`
        : error.keyword === "enum"
          ? ` (${JSON.stringify(params.allowedValues)})`
          : "";
    return { rule: `${pointer}/${error.keyword}`, message: `${where} ${error.message}${detail}` };
  }

  /** Follows a chain of `$ref`s from a pointer to the pointer of the node it finally names. */
  private follow(pointer: string): string {
    for (let hops = 0; hops < 20; hops++) {
      const node = this.node(pointer);
      if (!isRef(node) || !node.$ref.startsWith("#/")) return pointer;
      pointer = node.$ref;
    }
    return pointer;
  }

  /** The node at a pointer as it is written (a $ref is not followed: see follow), read as the caller knows it is. */
  private node<T = unknown>(pointer: string): T | undefined {
    return atPointer(this.contract.doc, pointer) as T | undefined;
  }
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
