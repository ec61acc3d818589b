// Where a change sits, read from an api-smart-diff path: which operation, which part of it (request body,
// response, parameter, response header), which schema field and which keyword. Wording and classification
// rules both start from this, so neither re-parses paths.
import {
  HTTP_METHODS,
  resolveRef,
  valueAt,
  type Contract,
  type ParameterObject,
  type ReferenceObject,
  type SchemaKeywords,
} from "../contract/index.ts";

export type JsonPath = (string | number)[];

/** The two versions compared, each with every $ref inlined (see spec-diff.ts). */
export interface Docs {
  readonly before: Contract;
  readonly after: Contract;
}

export type OperationPart = "operation" | "request" | "response" | "parameter" | "header";

export interface DiffLocation {
  /** "POST /v1/cases", when the change is inside an operation. */
  operation?: string;
  part?: OperationPart;
  /** The response status, for response and header changes. */
  status?: string;
  parameter?: { name: string; in: string; required: boolean };
  header?: string;
  /** Set when the change is inside a schema: the field, as "parties[].clientAccessStatus" ("" for the whole body). */
  field?: string;
  /** The schema keyword that changed ("enum", "type", "maxLength", "property" for a field added or removed). */
  keyword?: string;
  /** What follows the keyword in the path (an enum index, a property name). */
  keywordRest: JsonPath;
  /** The path of the schema object that holds the keyword. */
  schemaPath?: JsonPath;
  /** For non-schema changes: the keys after the part (["description"], ["content", "application/json"]). */
  rest: JsonPath;
}

const METHODS: readonly string[] = HTTP_METHODS;

type ParameterList = (ParameterObject | ReferenceObject)[] | undefined;

/** api-smart-diff merges path-level parameters after the operation's own, so its indexes count in that list. */
function operationParameters({ doc }: Contract, path: string, method: string): ParameterObject[] {
  const own = valueAt(doc, ["paths", path, method, "parameters"]) as ParameterList;
  const shared = valueAt(doc, ["paths", path, "parameters"]) as ParameterList;
  return [...(own ?? []), ...(shared ?? [])].map((p) => resolveRef(doc, p));
}

/** The schema at an api-smart-diff path (a DiffLocation's schemaPath), if there is one. */
export function schemaAt({ doc }: Contract, path: JsonPath): SchemaKeywords | undefined {
  return valueAt(doc, path) as SchemaKeywords | undefined;
}

function schemaLocation(
  path: JsonPath,
  schemaStart: number,
): Pick<DiffLocation, "field" | "keyword" | "keywordRest" | "schemaPath"> {
  const segments: string[] = [];
  const tokens = path.slice(schemaStart);
  let i = 0;
  const arrayOf = () => (segments.length ? (segments[segments.length - 1] += "[]") : segments.push("[]"));
  while (i < tokens.length) {
    const token = tokens[i];
    const last = i === tokens.length - 1;
    if (token === "properties" && i + 1 < tokens.length) {
      if (i + 2 === tokens.length) {
        // The property itself was added, removed or replaced.
        return {
          field: [...segments, String(tokens[i + 1])].join("."),
          keyword: "property",
          keywordRest: [],
          schemaPath: path.slice(0, schemaStart + i),
        };
      }
      segments.push(String(tokens[i + 1]));
      i += 2;
    } else if (token === "items" && !last) {
      arrayOf();
      i += 1;
    } else if ((token === "allOf" || token === "anyOf" || token === "oneOf") && i + 2 < tokens.length) {
      i += 2;
    } else if (token === "additionalProperties" && !last) {
      segments.push("*");
      i += 1;
    } else {
      return {
        field: segments.join("."),
        keyword: String(token),
        keywordRest: tokens.slice(i + 1),
        schemaPath: path.slice(0, schemaStart + i),
      };
    }
  }
  return { field: segments.join("."), keyword: "", keywordRest: [], schemaPath: path };
}

export function locate(path: JsonPath, action: string, docs: Docs, after?: unknown): DiffLocation {
  const [root, apiPath, method, part, ...t] = path;
  if (root !== "paths" || typeof apiPath !== "string" || !METHODS.includes(String(method)))
    return { keywordRest: [], rest: path };
  const operation = `${String(method).toUpperCase()} ${apiPath}`;
  const base = { operation, keywordRest: [] as JsonPath };
  if (part === undefined) return { ...base, part: "operation", rest: [] };

  if (part === "requestBody") {
    if (t[0] === "content" && t[2] === "schema")
      return { ...base, part: "request", rest: [], ...schemaLocation(path, 7) };
    return { ...base, part: "request", rest: t };
  }
  if (part === "responses") {
    const status = String(t[0]);
    if (t[1] === "content" && t[3] === "schema")
      return { ...base, part: "response", status, rest: [], ...schemaLocation(path, 8) };
    if (t[1] === "headers" && t.length > 2) {
      const header = String(t[2]);
      if (t[3] === "schema") return { ...base, part: "header", status, header, rest: [], ...schemaLocation(path, 8) };
      return { ...base, part: "header", status, header, rest: t.slice(3) };
    }
    return { ...base, part: "response", status, rest: t.slice(1) };
  }
  if (part === "parameters" && typeof t[0] === "number") {
    // A whole parameter added: its index is not one of either document's, but the diff carries it.
    const wholeAdd = action === "add" && t.length === 1;
    const param: ParameterObject | undefined = wholeAdd
      ? resolveRef(docs.after.doc, after as ParameterObject)
      : operationParameters(docs.before, apiPath, String(method))[t[0]];
    const parameter = {
      name: String(param?.name ?? `#${t[0]}`),
      in: String(param?.in ?? "?"),
      required: param?.required === true,
    };
    if (t[1] === "schema") return { ...base, part: "parameter", parameter, rest: [], ...schemaLocation(path, 6) };
    return { ...base, part: "parameter", parameter, rest: t.slice(1) };
  }
  return { ...base, part: "operation", rest: [part, ...t] };
}
