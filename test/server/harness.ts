// Shared test helpers: an in-process reference server with a movable clock, and small HTTP helpers.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DestinationStream } from "pino";
import { loadContract } from "../../contract/index.ts";
import type { Clock } from "../../server-stub/clock.ts";
import { LOOPBACK_RANGES } from "../../server-stub/demo.ts";
import { repoFiles, repoRoot } from "../../server-stub/repo-files.ts";
import { startInProcess, type InProcessServer } from "../support/reference-server.ts";

/** The scope catalogue, as the contract declares it. */
export const ALL_SCOPES = [...loadContract().scopeNames];

/** The suite runs on PostgreSQL (each store a throwaway database on the server at DATABASE_URL). */
export const onPostgres = Boolean(process.env.DATABASE_URL);

/** The name of a test of SQLite itself, with the reason it is skipped when the suite runs on PostgreSQL. */
export function sqliteOnly(name: string, reason: string): string {
  return onPostgres ? `${name} [skipped on PostgreSQL: ${reason}]` : name;
}

/** A clock tests move by hand (token expiry, failure windows). */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface TestServer extends InProcessServer {
  clock: TestClock;
}

export async function startTestServer(
  env: Record<string, string> = {},
  logDestination?: DestinationStream,
): Promise<TestServer> {
  const clock = new TestClock();
  const server = await startInProcess({ env, clock, logDestination });
  return Object.assign(server, { clock });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(
  server: { baseUrl: string },
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const res = await fetch(server.baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export function exchange(
  server: { baseUrl: string },
  credentials: Credentials,
  scopes: string[] = ALL_SCOPES,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return call(server, "POST", "/v1/microapps/system-tokens", {
    body: { clientId: credentials.clientId, clientSecret: credentials.clientSecret, scopes },
    headers,
  });
}

export async function tokenFor(
  server: { baseUrl: string },
  credentials: Credentials,
  scopes: string[] = ALL_SCOPES,
): Promise<string> {
  const reply = await exchange(server, credentials, scopes);
  if (reply.status !== 200) throw new Error(`token exchange failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.accessToken;
}

/** A second firm with its own integration (loopback by default). */
export async function newFirm(
  server: TestServer,
  options: { firmScopes?: string[]; scopes?: string[]; ranges?: string[]; identifier?: string } = {},
): Promise<Credentials & { orgId: string }> {
  const firm = await server.admin.createFirm({ name: "Other Firm", scopes: options.firmScopes });
  const integration = await server.admin.createIntegration({
    orgId: firm.orgId,
    identifier: options.identifier ?? "other-cms",
    scopes: options.scopes ?? ALL_SCOPES,
    allowedIpRanges: options.ranges ?? LOOPBACK_RANGES,
  });
  return { orgId: firm.orgId, clientId: integration.appId, clientSecret: integration.clientSecret };
}

/** Asserts the contract's error envelope and returns its code. */
export function errorCode(reply: Reply): string {
  const { body } = reply;
  if (
    body?.ok !== false ||
    typeof body?.error?.code !== "string" ||
    body.requestId !== reply.headers.get("x-request-id")
  ) {
    throw new Error(`not an error envelope: ${reply.status} ${JSON.stringify(body)}`);
  }
  return body.error.code;
}

/** Child-process tests run the compiled dist/ (what npm start and npm run admin run): fail clearly if it is stale. */
export function assertDistIsFresh(): void {
  const newestSource = Math.max(
    ...readdirSync(join(repoRoot, "server-stub"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .map((f) => statSync(join(repoRoot, "server-stub", f)).mtimeMs),
  );
  const built = [repoFiles.distMain, repoFiles.distAdminCli].map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0));
  if (Math.min(...built) < newestSource - 1000) {
    throw new Error(
      "dist/ is older than server-stub/: run `npm run build` (npm install and npm ci do it) before these tests",
    );
  }
}

/** Polls until no process has this pid (bounded); returns when it went. */
export async function waitForExit(pid: number, withinMs: number): Promise<number> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return Date.now();
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`process ${pid} still running after ${withinMs} ms`);
}
