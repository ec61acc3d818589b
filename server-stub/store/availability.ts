// The one place that recognises, in store terms, that the database did not answer: SQLite still locked by another
// connection when the busy timeout ran out, or PostgreSQL unreachable, restarting or shutting down. Nothing was
// written by the request that met it, and a retry a little later may succeed. What that means to a caller (a 503
// with Retry-After for the API) is the caller's call.

// PostgreSQL SQLSTATE classes and codes: 08 connection exception, 57P01-57P03 admin/crash shutdown and "cannot
// connect now" (starting up, shutting down).
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123])$/;
// What node-postgres and the socket report when the server is gone or cannot be reached.
const CONNECTION_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH"]);
const POOL_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** True when the error says the database did not answer (busy, unreachable, restarting), not that the query was wrong. */
export function isStoreUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_") || code === "SQLITE_LOCKED") return true;
  if (POSTGRES_UNAVAILABLE.test(code) || CONNECTION_ERRORS.has(code)) return true;
  return typeof e?.message === "string" && POOL_MESSAGES.test(e.message);
}
