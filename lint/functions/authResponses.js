// verify-auth-responses: every scoped operation documents 401 and 403 (no/bad token, missing scope or address);
// the token exchange (security: []) documents 401, 403 and 429 (bad credentials, address, brute force).
export default function authResponses(operation, _options, { path }) {
  const tokenExchange = Array.isArray(operation.security) && operation.security.length === 0;
  const required = tokenExchange ? ["401", "403", "429"] : ["401", "403"];
  const documented = operation.responses ?? {};
  const [, route, method] = path;
  const rule = tokenExchange
    ? "the token exchange documents 401, 403 and 429"
    : "a scoped operation documents 401 and 403";
  return required
    .filter((status) => !Object.hasOwn(documented, status))
    .map((status) => ({
      message: `${method.toUpperCase()} ${route} must document ${status}: ${rule}`,
      path: [...path, "responses"],
    }));
}
