// The schema walk our lint functions share: every schema object under a node of the resolved document, with its
// path, each visited once (a shared schema is reported once, where Spectral maps it: its own file or component).
const SUBSCHEMAS = ["items", "not", "additionalProperties", "unevaluatedProperties", "contains"];
const SUBSCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "$defs"];

/** Calls visit(schema, path) for `schema` and every schema inside it. */
export function walkSchema(schema, path, visit, seen = new Set()) {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema) || seen.has(schema)) return;
  seen.add(schema);
  visit(schema, path);
  for (const key of SUBSCHEMAS) walkSchema(schema[key], [...path, key], visit, seen);
  for (const key of SUBSCHEMA_LISTS)
    (Array.isArray(schema[key]) ? schema[key] : []).forEach((s, i) => walkSchema(s, [...path, key, i], visit, seen));
  for (const key of SUBSCHEMA_MAPS)
    for (const [name, s] of Object.entries(schema[key] ?? {})) walkSchema(s, [...path, key, name], visit, seen);
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every schema root of a document: components' schemas, parameters, headers, request and response bodies. */
export function schemaRoots(document) {
  const roots = [];
  const media = (content, at) => {
    for (const [type, m] of Object.entries(content ?? {}))
      if (m?.schema) roots.push([m.schema, [...at, type, "schema"]]);
  };
  const response = (r, at) => {
    media(r?.content, [...at, "content"]);
    for (const [name, h] of Object.entries(r?.headers ?? {}))
      if (h?.schema) roots.push([h.schema, [...at, "headers", name, "schema"]]);
  };
  const parameters = (list, at) =>
    (list ?? []).forEach((p, i) => p?.schema && roots.push([p.schema, [...at, i, "schema"]]));
  for (const [path, item] of Object.entries(document?.paths ?? {})) {
    parameters(item?.parameters, ["paths", path, "parameters"]);
    for (const method of METHODS) {
      const op = item?.[method];
      if (op === null || typeof op !== "object") continue;
      const at = ["paths", path, method];
      parameters(op.parameters, [...at, "parameters"]);
      media(op.requestBody?.content, [...at, "requestBody", "content"]);
      for (const [status, r] of Object.entries(op.responses ?? {})) response(r, [...at, "responses", status]);
    }
  }
  for (const [status, r] of Object.entries(document?.["x-unrouted-responses"] ?? {}))
    response(r, ["x-unrouted-responses", status]);
  const components = document?.components ?? {};
  for (const [name, s] of Object.entries(components.schemas ?? {})) roots.push([s, ["components", "schemas", name]]);
  for (const [name, p] of Object.entries(components.parameters ?? {}))
    if (p?.schema) roots.push([p.schema, ["components", "parameters", name, "schema"]]);
  for (const [name, h] of Object.entries(components.headers ?? {}))
    if (h?.schema) roots.push([h.schema, ["components", "headers", name, "schema"]]);
  for (const [name, r] of Object.entries(components.responses ?? {})) response(r, ["components", "responses", name]);
  return roots;
}
