// Shared by the PostgreSQL tests: they run only when DATABASE_URL names a PostgreSQL server (CI starts one
// with scripts/pg-test-server); without it they are skipped, and their names say why.
import { titleWithSkipReason } from "../support/skip-reason.ts";

/** A describe title that says why it is skipped when DATABASE_URL is not set. */
export function postgresOnly(title: string): string {
  return titleWithSkipReason(
    title,
    process.env.DATABASE_URL ? undefined : "set DATABASE_URL to a PostgreSQL server, e.g. from scripts/pg-test-server",
  );
}
