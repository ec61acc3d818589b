// One sentence per change, in the words a designer uses ("removed enum value `sent` from response field
// clientAccessStatus of POST /v1/cases/{caseId}/parties"), instead of api-smart-diff's JSON paths. Returns
// null for a change another sentence already says (a new field's "required" entry).
import type { Diff } from "api-smart-diff";
import { schemaAt, type DiffLocation, type Docs } from "./spec-diff-location.ts";

const ANNOTATION_KEYWORDS = new Set([
  "description",
  "title",
  "summary",
  "example",
  "examples",
  "$comment",
  "externalDocs",
]);

export function formatValue(value: unknown): string {
  if (typeof value === "string") return `\`${value}\``;
  if (Array.isArray(value) && value.every((v) => typeof v !== "object")) return value.map(formatValue).join(", ");
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function formatType(type: unknown): string {
  return Array.isArray(type) ? type.join(" or ") : String(type);
}

/** "response field clientAccessStatus", "query parameter limit", "the request body". */
function subject(loc: DiffLocation, field = loc.field ?? ""): string {
  switch (loc.part) {
    case "request":
      return field ? `request field ${field}` : "the request body";
    case "response":
      return field ? `response field ${field}` : "the response body";
    case "parameter":
      return `${loc.parameter!.in} parameter ${loc.parameter!.name}${field ? ` (field ${field})` : ""}`;
    case "header":
      return `response header ${loc.header}${field ? ` (field ${field})` : ""}`;
    default:
      return field;
  }
}

function verbPhrase(action: Diff["action"], what: string, target: string, before: unknown, after: unknown): string {
  if (action === "add") return `added ${what} ${formatValue(after)} to ${target}`;
  if (action === "remove") return `removed ${what} ${formatValue(before)} from ${target}`;
  return `changed ${what} of ${target} from ${formatValue(before)} to ${formatValue(after)}`;
}

function annotationPhrase(action: Diff["action"], what: string, target: string): string {
  if (action === "add") return `added ${what} to ${target}`;
  if (action === "remove") return `removed the ${what} of ${target}`;
  return `changed the ${what} of ${target}`;
}

function schemaChange(diff: Diff, loc: DiffLocation, docs: Docs): string | null {
  const { action, before, after } = diff;
  const op = loc.operation!;
  const target = `${subject(loc)} of ${op}`;
  const keyword = loc.keyword!;
  const rest = loc.keywordRest;

  if (keyword === "property") {
    if (action === "replace") return `replaced the schema of ${target}`;
    if (action === "remove") return `removed ${subject(loc)} from ${op}`;
    const required = schemaAt(docs.after, loc.schemaPath!)?.required ?? [];
    const name = loc.field!.split(".").pop()!;
    const kind = loc.part === "request" ? (required.includes(name) ? "required " : "optional ") : "";
    return `added ${kind}${subject(loc)} to ${op}`;
  }
  if (keyword === "required" && rest.length === 1) {
    const name = String(action === "add" ? after : before);
    const field = loc.field ? `${loc.field}.${name}` : name;
    // A field added or removed together with its "required" entry is said once, by the property change.
    const properties = schemaAt(action === "add" ? docs.before : docs.after, loc.schemaPath!)?.properties ?? {};
    if (!(name in properties)) return null;
    return `made ${subject(loc, field)} of ${op} ${action === "add" ? "required" : "optional"}`;
  }
  if (keyword === "enum") {
    if (rest.length === 1) {
      if (action === "add") return `added enum value ${formatValue(after)} to ${target}`;
      if (action === "remove") return `removed enum value ${formatValue(before)} from ${target}`;
      return `replaced enum value ${formatValue(before)} with ${formatValue(after)} in ${target}`;
    }
    if (action === "add") return `limited ${target} to the values ${formatValue(after)}`;
    if (action === "remove") return `lifted the list of allowed values (${formatValue(before)}) of ${target}`;
  }
  if (keyword === "type") {
    if (rest.length === 1) {
      const type = action === "add" ? after : before;
      if (type === "null") return `${target} ${action === "add" ? "may now be null" : "can no longer be null"}`;
      return action === "add" ? `added type ${type} to ${target}` : `removed type ${type} from ${target}`;
    }
    if (action === "replace") {
      // 3.1 spells nullable as a type array: `string` <-> `[string, "null"]` is about null, so say that.
      const [was, now] = [new Set([before].flat()), new Set([after].flat())];
      const changed = [...was, ...now].filter((t) => was.has(t) !== now.has(t));
      if (changed.length === 1 && changed[0] === "null")
        return `${target} ${now.has("null") ? "may now be null" : "can no longer be null"}`;
      return `changed the type of ${target} from ${formatType(before)} to ${formatType(after)}`;
    }
  }
  if (keyword === "const") {
    if (action === "add") return `fixed ${target} to the value ${formatValue(after)}`;
    if (action === "remove") return `removed the fixed value ${formatValue(before)} from ${target}`;
    return `changed the fixed value of ${target} from ${formatValue(before)} to ${formatValue(after)}`;
  }
  if (keyword === "deprecated") return `${after === true ? "deprecated" : "undeprecated"} ${target}`;
  if (ANNOTATION_KEYWORDS.has(keyword) || keyword.startsWith("x-")) return annotationPhrase(action, keyword, target);
  if (keyword === "") {
    if (action === "add") return `added a schema to ${target}`;
    if (action === "remove") return `removed the schema of ${target}`;
    return `replaced the schema of ${target}`;
  }
  if (rest.length > 0) return `changed ${keyword} of ${target}`;
  return verbPhrase(action, keyword, target, before, after);
}

function partChange(diff: Diff, loc: DiffLocation): string {
  const { action, before, after } = diff;
  const op = loc.operation!;
  const [key, ...more] = loc.rest;
  switch (loc.part) {
    case "operation":
      if (key === undefined) return action === "add" ? `added operation ${op}` : `removed operation ${op}`;
      if (key === "deprecated") return `${after === true ? "deprecated" : "undeprecated"} ${op}`;
      return annotationPhrase(action, String(key), op);
    case "response": {
      const response = `response ${loc.status} of ${op}`;
      if (key === undefined)
        return action === "add"
          ? `added response status ${loc.status} to ${op}`
          : `removed response status ${loc.status} from ${op}`;
      if (key === "content" && more.length === 1)
        return action === "add"
          ? `added media type ${more[0]} to ${response}`
          : `removed media type ${more[0]} from ${response}`;
      if (key === "content" && more.length > 1) return annotationPhrase(action, String(more[1]), response);
      return annotationPhrase(action, String(key), response);
    }
    case "header": {
      const header = `response header ${loc.header}`;
      if (key === undefined) return action === "add" ? `added ${header} to ${op}` : `removed ${header} from ${op}`;
      if (key === "required")
        return `made ${header} of ${op} ${action !== "remove" && after === true ? "always present" : "optional"}`;
      return annotationPhrase(action, String(key), `${header} of ${op}`);
    }
    case "request":
      if (key === undefined)
        return action === "add" ? `added a request body to ${op}` : `removed the request body of ${op}`;
      if (key === "required") return `made the request body of ${op} ${after === true ? "required" : "optional"}`;
      if (key === "content" && more.length === 1)
        return action === "add"
          ? `added media type ${more[0]} to the request body of ${op}`
          : `removed media type ${more[0]} from the request body of ${op}`;
      if (key === "content" && more.length > 1)
        return annotationPhrase(action, String(more[1]), `the request body of ${op}`);
      return annotationPhrase(action, String(key), `the request body of ${op}`);
    case "parameter": {
      const p = loc.parameter!;
      const param = `${p.in} parameter ${p.name}`;
      if (key === undefined)
        return action === "add"
          ? `added ${p.required ? "required" : "optional"} ${param} to ${op}`
          : `removed ${param} from ${op}`;
      if (key === "required") return `made ${param} of ${op} ${after === true ? "required" : "optional"}`;
      if (ANNOTATION_KEYWORDS.has(String(key))) return annotationPhrase(action, String(key), `${param} of ${op}`);
      return verbPhrase(action, String(key), `${param} of ${op}`, before, after);
    }
  }
  return `changed ${op}`;
}

function documentChange(diff: Diff): string {
  const { action, path, before, after } = diff;
  const [root, second] = path;
  if (root === "paths" && path.length === 1 && action === "rename") return `renamed path ${before} to ${after}`;
  if (root === "paths" && path.length === 2)
    return action === "add"
      ? `added path ${second}`
      : action === "remove"
        ? `removed path ${second}`
        : `changed path ${second}`;
  if (root === "paths" && path.length > 2) return annotationPhrase(action, path.slice(2).join("."), `path ${second}`);
  if (root === "components" && second === "securitySchemes") {
    return annotationPhrase(action, path.slice(3).join(".") || "definition", `security scheme ${path[2]}`);
  }
  const where = path.join(".");
  const scalar = (v: unknown) => typeof v !== "object" || v === null;
  if (
    action === "replace" &&
    scalar(before) &&
    scalar(after) &&
    String(before).length <= 40 &&
    String(after).length <= 40
  ) {
    return `changed ${where} from ${formatValue(before)} to ${formatValue(after)}`;
  }
  return action === "add" ? `added ${where}` : action === "remove" ? `removed ${where}` : `changed ${where}`;
}

/** The sentence for one api-smart-diff change, or null when another change's sentence already says it. */
export function describeChange(diff: Diff, loc: DiffLocation, docs: Docs): string | null {
  if (!loc.operation) return documentChange(diff);
  if (loc.keyword !== undefined) return schemaChange(diff, loc, docs);
  return partChange(diff, loc);
}
