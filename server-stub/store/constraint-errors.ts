// The one place that recognises a database's unique-constraint violation, in store terms: which constraint it
// broke. What that means to a caller (a 409 for the API, a taken identifier for the admin) is the caller's call.
// SQLite names the columns ("UNIQUE constraint failed: cases.org_id, cases.matter_ref");
// PostgreSQL names the constraint (code 23505, constraint "cases_org_matter_ref_unique"). Both are listed.

/** The unique constraints (migrations.ts) whose violation a caller acts on, with the columns SQLite names. */
const uniqueConstraints = [
  { constraint: "cases_org_matter_ref_unique", sqliteColumns: "cases.org_id, cases.matter_ref" },
  { constraint: "integrations_org_identifier_unique", sqliteColumns: "integrations.org_id, integrations.identifier" },
] as const;

export type UniqueConstraint = (typeof uniqueConstraints)[number]["constraint"];

/** A write would have made a second row where a unique constraint allows one. */
export class UniqueViolation extends Error {
  constructor(readonly constraint: UniqueConstraint) {
    super(`unique constraint ${constraint} violated`);
    this.name = "UniqueViolation";
  }
}

/** The UniqueViolation for a known unique-constraint violation, or the original error. */
export function mapConstraintError(error: unknown): unknown {
  const e = error as { code?: string; message?: string; constraint?: string };
  const isSqliteUnique = e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
  const isPostgresUnique = e?.code === "23505";
  if (!isSqliteUnique && !isPostgresUnique) return error;
  const match = uniqueConstraints.find((u) =>
    isPostgresUnique ? e.constraint === u.constraint : (e.message ?? "").endsWith(u.sqliteColumns),
  );
  return match ? new UniqueViolation(match.constraint) : error;
}

/** True when the error is a unique-constraint violation of any kind (used by races that retry). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
