// verify-scope-catalogue: every scope an operation requires is in the catalogue
// (components.securitySchemes.systemToken.x-scopes, name -> purpose), and each catalogue scope is
// used by exactly one operation, so a scope names one capability and the catalogue has no dead entries.
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const CATALOGUE = ["components", "securitySchemes", "systemToken", "x-scopes"];

export default function scopeCatalogue(document) {
  const catalogue = document?.components?.securitySchemes?.systemToken?.["x-scopes"];
  if (catalogue === null || typeof catalogue !== "object" || Object.keys(catalogue).length === 0) {
    return [
      {
        message:
          "components.securitySchemes.systemToken must declare its scope catalogue as x-scopes (name -> purpose)",
        path: CATALOGUE,
      },
    ];
  }
  const results = [];
  const usedBy = new Map(Object.keys(catalogue).map((scope) => [scope, new Set()]));
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const security = item?.[method]?.security;
      if (!Array.isArray(security)) continue;
      const name = `${method.toUpperCase()} ${path}`;
      security.forEach((requirement, i) => {
        const scopes = requirement?.systemToken;
        if (!Array.isArray(scopes)) return;
        scopes.forEach((scope, j) => {
          if (usedBy.has(scope)) usedBy.get(scope).add(name);
          else
            results.push({
              message: `${name} requires scope "${scope}", which is not in the catalogue (systemToken x-scopes)`,
              path: ["paths", path, method, "security", i, "systemToken", j],
            });
        });
      });
    }
  }
  for (const [scope, operations] of usedBy) {
    if (operations.size === 1) continue;
    const by = operations.size === 0 ? "no operation" : `${operations.size} operations (${[...operations].join(", ")})`;
    results.push({
      message: `Catalogue scope "${scope}" is used by ${by}; each scope belongs to exactly one operation`,
      path: [...CATALOGUE, scope],
    });
  }
  return results;
}
