// The server's configuration: each setting is declared once below (variable, format, default, doc), and the typed
// Config, the parser, its error messages and the README's environment table (npm run generate) all come from that.
// main.ts, cluster.ts and the admin CLI hand it process.env; tests and test/support/reference-server.ts hand it their own.
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseCidr } from "./auth/ip-ranges.ts";
import { integerRange, parseInteger } from "./integer.ts";

/** How a variable's text becomes a value: `parse` answers undefined for text it refuses; `accepts` says what it takes. */
interface Format<T> {
  accepts: string;
  parse: (raw: string) => T | undefined;
}

interface Setting<T> {
  env: string;
  /** The text used when the variable is unset or blank; "" for none. */
  default: string;
  doc: string;
  format: Format<T>;
  /** The value may hold a secret, so an error message never repeats it. */
  sensitive?: true;
}

type Settings = { readonly [key: string]: Setting<unknown> | Settings };

const text: Format<string> = { accepts: "text", parse: (raw) => raw };

function integer(min: number, max: number): Format<number> {
  return { accepts: integerRange(min, max), parse: (raw) => parseInteger(raw, min, max) };
}

function oneOf<const T extends string>(values: readonly T[], normalise = (raw: string) => raw): Format<T> {
  return {
    accepts: `one of ${values.join(", ")}`,
    parse: (raw) => values.find((value) => value === normalise(raw)),
  };
}

const cidrList: Format<string[]> = {
  accepts: "comma-separated CIDRs in standard text (dotted-quad IPv4 in plain decimal, or IPv6)",
  parse: (raw) => {
    const cidrs = raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    return cidrs.every((cidr) => parseCidr(cidr)) ? cidrs : undefined;
  },
};

const postgresUrl: Format<string | null> = {
  accepts: "a postgres:// or postgresql:// URL",
  parse: (raw) => (raw === "" ? null : /^postgres(ql)?:$/.test(URL.parse(raw)?.protocol ?? "") ? raw : undefined),
};

const SETTINGS = {
  host: { env: "HOST", default: "127.0.0.1", format: text, doc: "Address to bind." },
  port: {
    env: "PORT",
    default: "8081",
    format: integer(0, 65535),
    doc: "Port to bind; 0 picks a free one (the ready line prints it).",
  },
  dataDir: {
    env: "DATA_DIR",
    default: ".data",
    format: text,
    doc: "Directory of the SQLite store (verify-client.db), created if missing; shared with the admin CLI. One this user cannot create or write stops the start (exit 2), naming the path.",
  },
  databaseUrl: {
    env: "DATABASE_URL",
    default: "",
    format: postgresUrl,
    sensitive: true,
    doc: "postgres://user:password@host:port/database: use PostgreSQL instead of SQLite (DATA_DIR is unused); several server processes and the admin CLI share it.",
  },
  pgPoolSize: {
    env: "PG_POOL_SIZE",
    default: "10",
    format: integer(1, 1000),
    doc: "PostgreSQL connections one process keeps open at most (with DATABASE_URL).",
  },
  trustProxy: {
    env: "TRUST_PROXY",
    default: "",
    format: cidrList,
    doc: "Trusted reverse proxies; X-Forwarded-For from anyone else is ignored.",
  },
  sqliteSynchronous: {
    env: "SQLITE_SYNCHRONOUS",
    default: "NORMAL",
    format: oneOf(["NORMAL", "FULL"], (raw) => raw.toUpperCase()),
    doc: "NORMAL survives a process crash; FULL also survives power loss, slower writes.",
  },
  tokenIssuer: {
    env: "TOKEN_ISSUER",
    default: "verify-client-reference",
    format: text,
    doc: "The iss claim of issued tokens.",
  },
  tokenAudience: {
    env: "TOKEN_AUDIENCE",
    default: "verify-client-api",
    format: text,
    doc: "The aud claim of issued tokens.",
  },
  tokenFailureLimits: {
    perClient: {
      env: "TOKEN_FAILURES_PER_CLIENT",
      default: "10",
      format: integer(1, 1_000_000),
      doc: "invalid_client answers allowed per address and clientId in the window.",
    },
    perAddress: {
      env: "TOKEN_FAILURES_PER_ADDRESS",
      default: "50",
      format: integer(1, 1_000_000),
      doc: "invalid_client answers allowed per address in the window.",
    },
    windowSeconds: {
      env: "TOKEN_FAILURE_WINDOW_SECONDS",
      default: "900",
      format: integer(1, 86_400),
      doc: "The failure-counting window (and the longest Retry-After).",
    },
  },
  logLevel: {
    env: "LOG_LEVEL",
    default: "info",
    format: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    doc: "pino level.",
  },
  shutdownTimeoutMs: {
    env: "SHUTDOWN_TIMEOUT_MS",
    default: "8000",
    format: integer(0, 9_000),
    doc: "Graceful-shutdown budget before open connections are cut (exit stays under 10 s).",
  },
  http: {
    headersTimeoutMs: {
      env: "HTTP_HEADERS_TIMEOUT_MS",
      default: "10000",
      format: integer(100, 600_000),
      doc: "Time a client has to send its request headers; then 408 and the connection is closed.",
    },
    requestTimeoutMs: {
      env: "HTTP_REQUEST_TIMEOUT_MS",
      default: "30000",
      format: integer(100, 600_000),
      doc: "Time a client has to send its whole request; then 408 and the connection is closed.",
    },
    keepAliveTimeoutMs: {
      env: "HTTP_KEEP_ALIVE_TIMEOUT_MS",
      default: "5000",
      format: integer(100, 600_000),
      doc: "How long an idle keep-alive connection stays open.",
    },
  },
  invitesPerPartyPerDay: {
    env: "INVITES_PER_PARTY_PER_DAY",
    default: "5",
    format: integer(1, 10_000),
    doc: "Invites one party may be sent in 24 hours; the next is 429 invite_limit_reached.",
  },
  invitesPerDestinationPerDay: {
    env: "INVITES_PER_DESTINATION_PER_DAY",
    default: "5",
    format: integer(1, 10_000),
    doc: "Invites one firm may send to one mobile number or (lower-cased) email address in 24 hours, whichever parties share it; the next is 429 destination_limit_reached.",
  },
  smsInvitesPerFirmPerDay: {
    env: "SMS_INVITES_PER_FIRM_PER_DAY",
    default: "1000",
    format: integer(1, 10_000_000),
    doc: "SMS invites one firm may send in 24 hours; the next is 429 firm_invite_limit_reached.",
  },
  emailInvitesPerFirmPerDay: {
    env: "EMAIL_INVITES_PER_FIRM_PER_DAY",
    default: "10000",
    format: integer(1, 10_000_000),
    doc: "Email invites one firm may send in 24 hours; the next is 429 firm_invite_limit_reached.",
  },
  partiesPerCase: {
    env: "PARTIES_PER_CASE",
    default: "100",
    format: integer(1, 10_000),
    doc: "Parties one case may have; the next is 422 party_limit_reached.",
  },
  idempotencyLockSeconds: {
    env: "IDEMPOTENCY_LOCK_SECONDS",
    default: "30",
    format: integer(1, 3_600),
    doc: "How long a running request holds its Idempotency-Key; a retry after a crash takes it over then.",
  },
  unimplementedOperations: {
    env: "UNIMPLEMENTED_OPERATIONS",
    default: "refuse",
    format: oneOf(["refuse", "501"]),
    doc: "An operation in the spec without its handler file (server-stub/handlers/<operationId>.ts): refuse to start (exit 2, naming the file), or answer it 501 not_implemented with a warning at start (npm run dev and the test harness set 501).",
  },
} satisfies Settings;

type Values<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : Values<S[K]> };
export type Config = Values<typeof SETTINGS>;
export type TokenFailureLimits = Config["tokenFailureLimits"];
/** The HTTP server's deliberate limits (Node's defaults are far looser). */
export type HttpLimits = Config["http"];

function isSetting(node: Setting<unknown> | Settings): node is Setting<unknown> {
  return typeof node.env === "string";
}

function flatten(settings: Settings): Setting<unknown>[] {
  return Object.values(settings).flatMap((node) => (isSetting(node) ? [node] : flatten(node)));
}

/** Every environment variable the server reads, in declaration order (the README's table lists them). */
export const ENVIRONMENT: Readonly<Record<string, Setting<unknown>>> = Object.fromEntries(
  flatten(SETTINGS).map((setting) => [setting.env, setting]),
);

export class ConfigError extends Error {}

function read(settings: Settings, env: Record<string, string | undefined>): Record<string, unknown> {
  const values = Object.entries(settings).map(([key, node]) => {
    if (!isSetting(node)) return [key, read(node, env)];
    const raw = (env[node.env] ?? "").trim() || node.default;
    const value = node.format.parse(raw);
    if (value === undefined) {
      const got = node.sensitive ? "" : `, got "${raw}"`;
      throw new ConfigError(`${node.env} must be ${node.format.accepts}${got}`);
    }
    return [key, value];
  });
  return Object.fromEntries(values);
}

/**
 * DATA_DIR as a directory this process can write, created when missing. Each missing level is made on its own:
 * a recursive mkdir under /proc loops for ever instead of failing.
 */
function ensureDataDir(dir: string): void {
  const path = resolve(dir);
  const refuse = (why: string) =>
    new ConfigError(`DATA_DIR must be a directory this user can write, got "${dir}" (${path}): ${why}`);
  const missing: string[] = [];
  let existing = path;
  for (; !existsSync(existing); existing = dirname(existing)) missing.unshift(existing);
  if (!statSync(existing).isDirectory()) throw refuse(`${existing} is not a directory`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      throw refuse(`cannot create ${level} (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw refuse(`not writable (${(e as NodeJS.ErrnoException).code})`);
  }
}

/** Parses and validates the configuration; throws ConfigError naming the bad variable. */
export function configFromEnv(env: Record<string, string | undefined>): Config {
  // read() builds the object the declaration describes; TypeScript cannot follow Object.fromEntries.
  const config = read(SETTINGS, env) as Config;
  // Node refuses a headers timeout longer than the request timeout.
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    throw new ConfigError("HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS");
  }
  if (!config.databaseUrl) ensureDataDir(config.dataDir);
  return config;
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
