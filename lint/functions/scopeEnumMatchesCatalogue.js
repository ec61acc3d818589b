// verify-scope-enum: every scope enum equals the catalogue (components.securitySchemes.systemToken.x-scopes).
// A scope enum is the Scope schema's, or any enum naming at least one catalogue scope; the Scope
// schema is checked by its place (components.schemas.Scope), which every bundle has, so an enum
// emptied of all scope names is still caught there.
export default function scopeEnumMatchesCatalogue(values, _options, { path, documentInventory }) {
  const catalogue = documentInventory.resolved?.components?.securitySchemes?.systemToken?.["x-scopes"];
  if (!Array.isArray(values) || catalogue === null || typeof catalogue !== "object") return [];
  const names = Object.keys(catalogue);
  const isScopeSchema = path.join("/") === "components/schemas/Scope/enum";
  if (!isScopeSchema && !values.some((value) => names.includes(value))) return [];
  const missing = names.filter((name) => !values.includes(name));
  const unknown = values.filter((value) => !names.includes(value));
  if (missing.length === 0 && unknown.length === 0 && values.length === names.length) return [];
  const problems = [
    missing.length > 0 ? `missing ${missing.join(", ")}` : "",
    unknown.length > 0 ? `not in the catalogue: ${unknown.join(", ")}` : "",
    values.length !== new Set(values).size ? "has duplicates" : "",
  ].filter(Boolean);
  return [
    { message: `A scope enum must list exactly the catalogue's scopes (systemToken x-scopes): ${problems.join("; ")}` },
  ];
}
