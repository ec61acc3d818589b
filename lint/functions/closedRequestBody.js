// verify-closed-request-body: every object in a request body schema is closed (additionalProperties: false, or
// unevaluatedProperties: false), so an unknown field is a 400 and never silently stored.
// Nested objects count too: an open propertyAddress would store unknown fields just the same.
export default function closedRequestBody(schema, _options, { path }) {
  const results = [];
  const seen = new Set();
  const visit = (node, at) => {
    if (node === null || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    const isObject =
      [node.type].flat().includes("object") || (node.properties !== null && typeof node.properties === "object");
    if (isObject && node.additionalProperties !== false && node.unevaluatedProperties !== false) {
      results.push({ message: "A request body object must be closed (additionalProperties: false)", path: at });
    }
    for (const [name, property] of Object.entries(node.properties ?? {})) visit(property, [...at, "properties", name]);
    visit(node.items, [...at, "items"]);
    for (const keyword of ["anyOf", "oneOf"]) {
      (node[keyword] ?? []).forEach((branch, i) => visit(branch, [...at, keyword, i]));
    }
  };
  visit(schema, path);
  return results;
}
