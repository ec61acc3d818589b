// verify-scope-array-bound: an array of scopes (items from the catalogue's enum) has uniqueItems: true, and a
// maxItems, if any, equal to the catalogue's size: a cap of its own would fall behind when a scope is added, and a
// token for every scope would then be refused.
import { schemaRoots, walkSchema } from "../lib/schemas.js";

export default function scopeArrayBound(document) {
  const catalogue = Object.keys(document?.components?.securitySchemes?.systemToken?.["x-scopes"] ?? {});
  if (catalogue.length === 0) return [];
  const results = [];
  const seen = new Set();
  const visit = (schema, path) => {
    const values = schema.items?.enum;
    if (!Array.isArray(values) || !values.some((value) => catalogue.includes(value))) return;
    if (schema.uniqueItems !== true) results.push({ message: "An array of scopes must have uniqueItems: true", path });
    if (schema.maxItems !== undefined && schema.maxItems !== catalogue.length)
      results.push({
        message: `An array of scopes caps at the catalogue's size: maxItems must be ${catalogue.length} (the scopes in systemToken x-scopes), found ${schema.maxItems}`,
        path: [...path, "maxItems"],
      });
  };
  for (const [root, at] of schemaRoots(document)) walkSchema(root, at, visit, seen);
  return results;
}
