// The one place that turns a database's unique-constraint violation into a domain error.
// SQLite names the columns ("UNIQUE constraint failed: cases.org_id, cases.matter_ref");
// PostgreSQL names the constraint (code 23505, constraint "cases_org_matter_ref_unique"). Both are listed.
import { ApiError } from "../errors/api-error.ts";

const uniqueViolations: { sqliteColumns: string; constraint: string; toError: () => Error }[] = [
  {
    sqliteColumns: "cases.org_id, cases.matter_ref",
    constraint: "cases_org_matter_ref_unique",
    toError: () => new ApiError(409, "duplicate_matter_ref", "A case with this matterRef already exists in the firm."),
  },
  {
    sqliteColumns: "integrations.org_id, integrations.identifier",
    constraint: "integrations_org_identifier_unique",
    toError: () =>
      new ApiError(409, "duplicate_identifier", "The firm already has an integration with this identifier."),
  },
];

/** The domain error for a known unique-constraint violation, or the original error. */
export function mapConstraintError(error: unknown): unknown {
  const e = error as { code?: string; message?: string; constraint?: string };
  const isSqliteUnique = e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
  const isPostgresUnique = e?.code === "23505";
  if (!isSqliteUnique && !isPostgresUnique) return error;
  const match = uniqueViolations.find((v) =>
    isPostgresUnique ? e.constraint === v.constraint : (e.message ?? "").endsWith(v.sqliteColumns),
  );
  return match ? match.toError() : error;
}

/** True when the error is a unique-constraint violation of any kind (used by races that retry). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
