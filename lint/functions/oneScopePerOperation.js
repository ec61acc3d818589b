// verify-operation-one-scope: every operation except the token exchange requires systemToken with exactly one scope.
// The token exchange is the operation that declares `security: []`; only one operation may, or
// "unauthenticated" would quietly become a second way in.
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export default function oneScopePerOperation(paths) {
  const results = [];
  const unauthenticated = [];
  for (const [path, item] of Object.entries(paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation === null || typeof operation !== "object") continue;
      const name = `${method.toUpperCase()} ${path}`;
      const at = ["paths", path, method, "security"];
      const { security } = operation;
      if (Array.isArray(security) && security.length === 0) {
        unauthenticated.push({ name, at });
      } else if (!isOneSystemTokenScope(security)) {
        const found = security === undefined ? "no security" : JSON.stringify(security);
        results.push({ message: `${name} must require systemToken with exactly one scope, found ${found}`, path: at });
      }
    }
  }
  if (unauthenticated.length > 1) {
    const names = unauthenticated.map((u) => u.name).join(", ");
    for (const { name, at } of unauthenticated) {
      results.push({
        message: `${name} declares security: [], which only the token exchange may (found on ${names})`,
        path: at,
      });
    }
  }
  return results;
}

function isOneSystemTokenScope(security) {
  if (!Array.isArray(security) || security.length !== 1) return false;
  const requirement = security[0];
  return (
    requirement !== null &&
    typeof requirement === "object" &&
    Object.keys(requirement).join() === "systemToken" &&
    Array.isArray(requirement.systemToken) &&
    requirement.systemToken.length === 1
  );
}
