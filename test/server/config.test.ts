// The server's configuration: defaults, and a clear error naming the variable for bad values.
import { describe, expect, it } from "vitest";
import { ConfigError, configFromEnv } from "../../server-stub/config.ts";

describe("config", () => {
  it("defaults: 127.0.0.1:8081, .data, no trusted proxy, synchronous NORMAL, 10/50 failures per 900 s", () => {
    expect(configFromEnv({})).toMatchObject({
      host: "127.0.0.1",
      port: 8081,
      dataDir: ".data",
      trustProxy: [],
      sqliteSynchronous: "NORMAL",
      tokenFailureLimits: { perClient: 10, perAddress: 50, windowSeconds: 900 },
      logLevel: "info",
    });
  });

  it("defaults of the reliability limits: 10 s / 30 s / 5 s HTTP timeouts, 5 invites per party per day, 100 parties per case, 30 s idempotency lock", () => {
    expect(configFromEnv({})).toMatchObject({
      http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 },
      invitesPerPartyPerDay: 5,
      partiesPerCase: 100,
      idempotencyLockSeconds: 30,
    });
    expect(
      configFromEnv({ INVITES_PER_PARTY_PER_DAY: "2", PARTIES_PER_CASE: "7", IDEMPOTENCY_LOCK_SECONDS: "5" }),
    ).toMatchObject({
      invitesPerPartyPerDay: 2,
      partiesPerCase: 7,
      idempotencyLockSeconds: 5,
    });
    // Node refuses a headers timeout longer than the request timeout: so does the config, naming the variable.
    expect(() => configFromEnv({ HTTP_HEADERS_TIMEOUT_MS: "40000" })).toThrow("HTTP_HEADERS_TIMEOUT_MS");
    expect(() => configFromEnv({ INVITES_PER_PARTY_PER_DAY: "0" })).toThrow("INVITES_PER_PARTY_PER_DAY");
  });

  it("reads every variable", () => {
    const config = configFromEnv({
      HOST: "0.0.0.0",
      PORT: "0",
      DATA_DIR: "/tmp/x",
      TRUST_PROXY: "10.0.0.0/8, ::1/128",
      SQLITE_SYNCHRONOUS: "full",
      TOKEN_FAILURES_PER_CLIENT: "3",
      TOKEN_FAILURES_PER_ADDRESS: "7",
      TOKEN_FAILURE_WINDOW_SECONDS: "60",
      LOG_LEVEL: "silent",
    });
    expect(config).toMatchObject({
      host: "0.0.0.0",
      port: 0,
      dataDir: "/tmp/x",
      trustProxy: ["10.0.0.0/8", "::1/128"],
      sqliteSynchronous: "FULL",
      tokenFailureLimits: { perClient: 3, perAddress: 7, windowSeconds: 60 },
      logLevel: "silent",
    });
  });

  it("a bad value is a ConfigError naming the variable", () => {
    for (const [name, value] of [
      ["PORT", "80a"],
      ["PORT", "70000"],
      ["TRUST_PROXY", "10.0.0.0/99"],
      ["SQLITE_SYNCHRONOUS", "OFF"],
      ["TOKEN_FAILURES_PER_CLIENT", "0"],
      ["LOG_LEVEL", "loud"],
      ["DATABASE_URL", "mysql://localhost/verify"],
      ["PG_POOL_SIZE", "0"],
    ]) {
      expect(() => configFromEnv({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => configFromEnv({ [name]: value })).toThrow(name);
    }
  });

  it("DATABASE_URL selects PostgreSQL with PG_POOL_SIZE connections (10 by default); a bad one is refused without echoing it", () => {
    expect(configFromEnv({})).toMatchObject({ databaseUrl: null, pgPoolSize: 10 });
    const url = "postgresql://verify:s3cret@db.internal:5432/verify";
    expect(configFromEnv({ DATABASE_URL: url, PG_POOL_SIZE: "25" })).toMatchObject({
      databaseUrl: url,
      pgPoolSize: 25,
    });
    expect(() => configFromEnv({ DATABASE_URL: "postgres//verify:s3cret@db" })).toThrow(
      /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL$/,
    );
  });
});
