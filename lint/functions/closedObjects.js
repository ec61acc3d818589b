// verify-closed-request-body and verify-closed-response: every object in a request or response body schema is
// closed (additionalProperties: false, or unevaluatedProperties: false), nested objects included. In a request,
// an unknown field is then a 400 and never silently stored; in a response, nothing undocumented can leak out and
// a client can rely on the fields it was told about.
import { walkSchema } from "../lib/schemas.js";

export default function closedObjects(schema, { part }, { path }) {
  const results = [];
  walkSchema(schema, path, (node, at) => {
    const isObject =
      [node.type].flat().includes("object") || (node.properties !== null && typeof node.properties === "object");
    if (isObject && node.additionalProperties !== false && node.unevaluatedProperties !== false)
      results.push({ message: `A ${part} object must be closed (additionalProperties: false)`, path: at });
  });
  return results;
}
