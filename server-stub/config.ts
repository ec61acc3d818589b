// The server's typed configuration and its one parser. Only main.ts hands it the real environment;
// tests and testing.ts hand it their own.
import { parseCidr } from "./auth/ip-ranges.ts";
import { integerRange, parseInteger } from "./integer.ts";

export interface TokenFailureLimits {
  /** invalid_client answers allowed per (address, clientId) within the window; the next attempt is 429. */
  perClient: number;
  /** invalid_client answers allowed per address, whatever the clientId, within the window. */
  perAddress: number;
  windowSeconds: number;
}

export interface Config {
  host: string;
  /** 0 binds an ephemeral port. */
  port: number;
  dataDir: string;
  /** PostgreSQL instead of SQLite (DATA_DIR is then unused): several processes can share it. */
  databaseUrl: string | null;
  /** Connections one process keeps open to PostgreSQL at most. */
  pgPoolSize: number;
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed; empty: the socket address is the client. */
  trustProxy: string[];
  sqliteSynchronous: "NORMAL" | "FULL";
  tokenIssuer: string;
  tokenAudience: string;
  tokenFailureLimits: TokenFailureLimits;
  logLevel: string;
  /** How long graceful shutdown waits for in-flight requests before closing connections. */
  shutdownTimeoutMs: number;
  http: HttpLimits;
  /** Invites one party may be sent within 24 hours; the next is 429 invite_limit_reached. */
  invitesPerPartyPerDay: number;
  /** Parties one case may have; the next addParty is 422 party_limit_reached. */
  partiesPerCase: number;
  /** How long a request holds its Idempotency-Key while it runs; after a crash a retry takes the key over then. */
  idempotencyLockSeconds: number;
}

/** The HTTP server's deliberate limits (Node's defaults are far looser). */
export interface HttpLimits {
  /** Time to receive a request's headers (slow-loris guard); 408 after it. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body; 408 after it. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open. */
  keepAliveTimeoutMs: number;
}

/** The environment variables the server reads, their defaults and meaning (README documents the same). */
export const ENVIRONMENT = {
  HOST: ["127.0.0.1", "Address to bind."],
  PORT: ["8081", "Port to bind; 0 picks a free one (the ready line prints it)."],
  DATA_DIR: [".data", "Directory of the SQLite store (verify-client.db); shared with the admin CLI."],
  DATABASE_URL: [
    "",
    "postgres://user:password@host:port/database: use PostgreSQL instead of SQLite (DATA_DIR is unused); several server processes and the admin CLI share it.",
  ],
  PG_POOL_SIZE: ["10", "PostgreSQL connections one process keeps open at most (with DATABASE_URL)."],
  TRUST_PROXY: ["", "Comma-separated CIDRs of trusted reverse proxies; X-Forwarded-For from anyone else is ignored."],
  SQLITE_SYNCHRONOUS: ["NORMAL", "NORMAL survives a process crash; FULL also survives power loss, slower writes."],
  TOKEN_ISSUER: ["verify-client-reference", "The iss claim of issued tokens."],
  TOKEN_AUDIENCE: ["verify-client-api", "The aud claim of issued tokens."],
  TOKEN_FAILURES_PER_CLIENT: ["10", "invalid_client answers allowed per address and clientId in the window."],
  TOKEN_FAILURES_PER_ADDRESS: ["50", "invalid_client answers allowed per address in the window."],
  TOKEN_FAILURE_WINDOW_SECONDS: ["900", "The failure-counting window (and the longest Retry-After)."],
  LOG_LEVEL: ["info", "pino level: fatal, error, warn, info, debug, trace or silent."],
  SHUTDOWN_TIMEOUT_MS: ["8000", "Graceful-shutdown budget before open connections are cut (exit stays under 10 s)."],
  HTTP_HEADERS_TIMEOUT_MS: [
    "10000",
    "Time a client has to send its request headers; then 408 and the connection is closed.",
  ],
  HTTP_REQUEST_TIMEOUT_MS: [
    "30000",
    "Time a client has to send its whole request; then 408 and the connection is closed.",
  ],
  HTTP_KEEP_ALIVE_TIMEOUT_MS: ["5000", "How long an idle keep-alive connection stays open."],
  INVITES_PER_PARTY_PER_DAY: ["5", "Invites one party may be sent in 24 hours; the next is 429 invite_limit_reached."],
  PARTIES_PER_CASE: ["100", "Parties one case may have; the next is 422 party_limit_reached."],
  IDEMPOTENCY_LOCK_SECONDS: [
    "30",
    "How long a running request holds its Idempotency-Key; a retry after a crash takes it over then.",
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type EnvName = keyof typeof ENVIRONMENT;

export class ConfigError extends Error {}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function integer(name: EnvName, raw: string, min: number, max: number): number {
  const value = parseInteger(raw, min, max);
  if (value === undefined) throw new ConfigError(`${name} must be ${integerRange(min, max)}, got "${raw}"`);
  return value;
}

/** Parses and validates the configuration; throws ConfigError naming the bad variable. */
export function configFromEnv(env: Record<string, string | undefined>): Config {
  const value = (name: EnvName) => (env[name] ?? "").trim() || ENVIRONMENT[name][0];

  const trustProxy = value("TRUST_PROXY")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const cidr of trustProxy) {
    if (!parseCidr(cidr)) throw new ConfigError(`TRUST_PROXY has an invalid CIDR "${cidr}"`);
  }

  const synchronous = value("SQLITE_SYNCHRONOUS").toUpperCase();
  if (synchronous !== "NORMAL" && synchronous !== "FULL") {
    throw new ConfigError(`SQLITE_SYNCHRONOUS must be NORMAL or FULL, got "${synchronous}"`);
  }
  const databaseUrl = value("DATABASE_URL") || null;
  // The message never repeats the URL: it may hold a password.
  if (databaseUrl !== null && !/^postgres(ql)?:$/.test(URL.parse(databaseUrl)?.protocol ?? "")) {
    throw new ConfigError("DATABASE_URL must be a postgres:// or postgresql:// URL");
  }
  const logLevel = value("LOG_LEVEL");
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);

  const http = {
    headersTimeoutMs: integer("HTTP_HEADERS_TIMEOUT_MS", value("HTTP_HEADERS_TIMEOUT_MS"), 100, 600_000),
    requestTimeoutMs: integer("HTTP_REQUEST_TIMEOUT_MS", value("HTTP_REQUEST_TIMEOUT_MS"), 100, 600_000),
    keepAliveTimeoutMs: integer("HTTP_KEEP_ALIVE_TIMEOUT_MS", value("HTTP_KEEP_ALIVE_TIMEOUT_MS"), 100, 600_000),
  };
  // Node refuses a headers timeout longer than the request timeout.
  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    throw new ConfigError("HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS");
  }

  return {
    host: value("HOST"),
    port: integer("PORT", value("PORT"), 0, 65535),
    dataDir: value("DATA_DIR"),
    databaseUrl,
    pgPoolSize: integer("PG_POOL_SIZE", value("PG_POOL_SIZE"), 1, 1000),
    trustProxy,
    sqliteSynchronous: synchronous,
    tokenIssuer: value("TOKEN_ISSUER"),
    tokenAudience: value("TOKEN_AUDIENCE"),
    tokenFailureLimits: {
      perClient: integer("TOKEN_FAILURES_PER_CLIENT", value("TOKEN_FAILURES_PER_CLIENT"), 1, 1_000_000),
      perAddress: integer("TOKEN_FAILURES_PER_ADDRESS", value("TOKEN_FAILURES_PER_ADDRESS"), 1, 1_000_000),
      windowSeconds: integer("TOKEN_FAILURE_WINDOW_SECONDS", value("TOKEN_FAILURE_WINDOW_SECONDS"), 1, 86_400),
    },
    logLevel,
    shutdownTimeoutMs: integer("SHUTDOWN_TIMEOUT_MS", value("SHUTDOWN_TIMEOUT_MS"), 0, 9_000),
    http,
    invitesPerPartyPerDay: integer("INVITES_PER_PARTY_PER_DAY", value("INVITES_PER_PARTY_PER_DAY"), 1, 10_000),
    partiesPerCase: integer("PARTIES_PER_CASE", value("PARTIES_PER_CASE"), 1, 10_000),
    idempotencyLockSeconds: integer("IDEMPOTENCY_LOCK_SECONDS", value("IDEMPOTENCY_LOCK_SECONDS"), 1, 3_600),
  };
}

/** For entry points (npm start, npm run cluster): the configuration, or exit 2 with the message naming the variable. */
export function configOrExit(env: Record<string, string | undefined>): Config {
  try {
    return configFromEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}
