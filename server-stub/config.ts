// The server's typed configuration and its one parser. Only main.ts hands it the real environment;
// tests and testing.ts hand it their own.
import { parseCidr } from "./auth/ip-ranges.ts";

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
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed; empty: the socket address is the client. */
  trustProxy: string[];
  sqliteSynchronous: "NORMAL" | "FULL";
  tokenIssuer: string;
  tokenAudience: string;
  tokenFailureLimits: TokenFailureLimits;
  logLevel: string;
  /** How long graceful shutdown waits for in-flight requests before closing connections. */
  shutdownTimeoutMs: number;
}

/** The environment variables the server reads, their defaults and meaning (README documents the same). */
export const ENVIRONMENT = {
  HOST: ["127.0.0.1", "Address to bind."],
  PORT: ["8081", "Port to bind; 0 picks a free one (the ready line prints it)."],
  DATA_DIR: [".data", "Directory of the SQLite store (verify-client.db); shared with the admin CLI."],
  TRUST_PROXY: ["", "Comma-separated CIDRs of trusted reverse proxies; X-Forwarded-For from anyone else is ignored."],
  SQLITE_SYNCHRONOUS: ["NORMAL", "NORMAL survives a process crash; FULL also survives power loss, slower writes."],
  TOKEN_ISSUER: ["verify-client-reference", "The iss claim of issued tokens."],
  TOKEN_AUDIENCE: ["verify-client-api", "The aud claim of issued tokens."],
  TOKEN_FAILURES_PER_CLIENT: ["10", "invalid_client answers allowed per address and clientId in the window."],
  TOKEN_FAILURES_PER_ADDRESS: ["50", "invalid_client answers allowed per address in the window."],
  TOKEN_FAILURE_WINDOW_SECONDS: ["900", "The failure-counting window (and the longest Retry-After)."],
  LOG_LEVEL: ["info", "pino level: fatal, error, warn, info, debug, trace or silent."],
  SHUTDOWN_TIMEOUT_MS: ["8000", "Graceful-shutdown budget before open connections are cut (exit stays under 10 s)."],
} as const satisfies Record<string, readonly [string, string]>;

export type EnvName = keyof typeof ENVIRONMENT;

export class ConfigError extends Error {}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function integer(name: EnvName, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
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
  const logLevel = value("LOG_LEVEL");
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);

  return {
    host: value("HOST"),
    port: integer("PORT", value("PORT"), 0, 65535),
    dataDir: value("DATA_DIR"),
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
  };
}
