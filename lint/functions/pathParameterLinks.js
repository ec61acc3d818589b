// verify-path-parameter-links: a path parameter whose name is a property of another operation's 2xx response
// (caseId, returned by createCase and taken by addParty) is fed by an OpenAPI link from that response, so
// tools (and the conformance suite) can chain the operations from the spec alone.
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function operations(document) {
  const out = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation && typeof operation === "object") out.push({ path, method, item, operation });
    }
  }
  return out;
}

/** The top-level property names of a response's JSON body. */
function bodyProperties(response) {
  const schema = response?.content?.["application/json"]?.schema;
  return new Set(Object.keys(schema?.properties ?? {}));
}

export default function pathParameterLinks(document) {
  const results = [];
  const all = operations(document);
  for (const { path, method, item, operation } of all) {
    const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].filter((p) => p?.in === "path");
    for (const { name } of parameters) {
      const sources = [];
      let linked = false;
      for (const other of all) {
        if (other.operation === operation) continue;
        for (const [status, response] of Object.entries(other.operation.responses ?? {})) {
          if (!/^2/.test(status) || !bodyProperties(response).has(name)) continue;
          sources.push(`${other.operation.operationId ?? `${other.method.toUpperCase()} ${other.path}`} ${status}`);
          linked ||= Object.values(response.links ?? {}).some(
            (link) => link?.operationId === operation.operationId && link?.parameters?.[name] !== undefined,
          );
        }
      }
      if (sources.length > 0 && !linked) {
        results.push({
          message: `${method.toUpperCase()} ${path}: path parameter ${name} is returned by ${sources.join(", ")}; declare a link from it to ${operation.operationId} that sets ${name}`,
          path: ["paths", path, method],
        });
      }
    }
  }
  return results;
}
