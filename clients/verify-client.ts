// A typed client for the Verify Client integration API, for partners to import or copy: openapi-fetch over
// generated/schema.d.ts, plus what every integration otherwise writes by hand. It
// - exchanges the client credentials for a system token and reuses it until shortly before `expiresAt`;
// - on `401 token_expired` (a clock skew, a token revoked early) exchanges once more and repeats the call, once;
// - repeats a request that is safe to repeat (a GET, or a POST with an Idempotency-Key, which it always sends,
//   and keeps the same across attempts) after a network error or a 5xx, with bounded exponential backoff;
// - waits out `429` for `Retry-After` seconds when that is short enough, otherwise hands the 429 back;
// - walks list pages with an async iterator.
// Server-side only: the client secret never belongs in browser code.
import { randomUUID } from "node:crypto";
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../generated/schema.d.ts";

type Schemas = components["schemas"];
export type Scope = Schemas["Scope"];
export type CreateCaseRequest = Schemas["CreateCaseRequest"];
export type CaseResponse = Schemas["CaseResponse"];
export type PartyInput = Schemas["PartyInput"];
export type PartyResponse = Schemas["PartyResponse"];
export type InviteRequest = Schemas["InviteRequest"];
export type InviteResponse = Schemas["InviteResponse"];
export type CaseIdList = Schemas["CaseIdList"];
export type User = Schemas["User"];
export type UserList = Schemas["UserList"];
export type ErrorBody = Schemas["Error"];

export interface VerifyClientOptions {
  /** e.g. http://localhost:8081 (the reference server) or your deployment's base URL. */
  baseUrl: string;
  /** The integration's appId. */
  clientId: string;
  clientSecret: string;
  /** The scopes to ask for: the fewest the integration needs. */
  scopes: Scope[];
  /** Token lifetime to ask for, 60 to 3600 seconds (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Exchange a new token this long before `expiresAt` (default 30 s; at most half the token's lifetime). */
  refreshBeforeExpirySeconds?: number;
  /** Repeats after a network error, a 5xx or a short 429 (default 3). */
  maxRetries?: number;
  /** Backoff before the first repeat; it doubles, with jitter, up to maxBackoffMs (defaults 200 ms and 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** The longest `Retry-After` waited out; a 429 asking for longer is returned as an error (default 30 s). */
  maxRetryAfterSeconds?: number;
  /** For tests and proxies: the fetch to use, a clock (Unix ms) and a sleep. */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A non-2xx answer. Branch on `status` first (the contract says so); `code` is a help, not a promise. */
export class VerifyApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly body: unknown;

  constructor(response: Response, body: unknown) {
    const error = (body as Partial<ErrorBody> | undefined)?.error;
    super(`${response.status} ${error?.code ?? response.statusText}: ${error?.message ?? "no error body"}`);
    this.name = "VerifyApiError";
    this.status = response.status;
    this.code = error?.code;
    this.requestId =
      (body as Partial<ErrorBody> | undefined)?.requestId ?? response.headers.get("X-Request-Id") ?? undefined;
    this.retryAfterSeconds = retryAfterSeconds(response, () => Date.now());
    this.body = body;
  }
}

export interface IdempotentCall {
  /** Reuse one key for one intended change (e.g. derived from your matterRef) to make retries across restarts safe. */
  idempotencyKey?: string;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

const TOKEN_PATH = "/v1/microapps/system-tokens";

/** Retry-After as seconds (it may be seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfterSeconds(response: Response, now: () => number): number | undefined {
  const value = response.headers.get("Retry-After");
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now()) / 1000));
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    return ((await response.clone().json()) as Partial<ErrorBody>).error?.code;
  } catch {
    return undefined;
  }
}

export class VerifyClient {
  /** The typed openapi-fetch client, with the token, retries and 429 handling below: for anything not wrapped here. */
  readonly api: Client<paths>;
  private readonly options: Required<Omit<VerifyClientOptions, "fetch">> & { fetch: typeof fetch };
  private token: { value: string; refreshAt: number } | undefined;
  private exchanging: Promise<string> | undefined;

  constructor(options: VerifyClientOptions) {
    this.options = {
      tokenLifetimeSeconds: 3600,
      refreshBeforeExpirySeconds: 30,
      maxRetries: 3,
      initialBackoffMs: 200,
      maxBackoffMs: 5000,
      maxRetryAfterSeconds: 30,
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
      fetch: options.fetch ?? globalThis.fetch,
    };
    this.api = createClient<paths>({ baseUrl: options.baseUrl, fetch: (request) => this.send(request) });
  }

  async createCase(body: CreateCaseRequest, call: IdempotentCall = {}): Promise<CaseResponse> {
    const headers = { "Idempotency-Key": call.idempotencyKey ?? randomUUID() };
    return this.unwrap(await this.api.POST("/v1/cases", { body, headers }));
  }

  async addParty(caseId: string, body: PartyInput, call: IdempotentCall = {}): Promise<PartyResponse> {
    const headers = { "Idempotency-Key": call.idempotencyKey ?? randomUUID() };
    return this.unwrap(
      await this.api.POST("/v1/cases/{caseId}/parties", { params: { path: { caseId } }, body, headers }),
    );
  }

  async sendInvite(caseId: string, body: InviteRequest, call: IdempotentCall = {}): Promise<InviteResponse> {
    const headers = { "Idempotency-Key": call.idempotencyKey ?? randomUUID() };
    return this.unwrap(
      await this.api.POST("/v1/cases/{caseId}/invites", { params: { path: { caseId } }, body, headers }),
    );
  }

  async listCaseIds(query: PageQuery = {}): Promise<CaseIdList> {
    return this.unwrap(await this.api.GET("/v1/microapps/api/cases/ids", { params: { query } }));
  }

  async listUsers(query: PageQuery = {}): Promise<UserList> {
    return this.unwrap(await this.api.GET("/v1/microapps/api/users", { params: { query } }));
  }

  /** Every case id of the firm, ascending, page after page. */
  caseIds(options: { limit?: number } = {}): AsyncGenerator<string> {
    return walk((cursor) => this.listCaseIds({ ...options, cursor }));
  }

  /** Every user of the firm, page after page. */
  users(options: { limit?: number } = {}): AsyncGenerator<User> {
    return walk((cursor) => this.listUsers({ ...options, cursor }));
  }

  /** A valid access token: the cached one, or a fresh exchange (one at a time, however many calls wait). */
  async accessToken(): Promise<string> {
    if (this.token && this.options.now() < this.token.refreshAt) return this.token.value;
    this.exchanging ??= this.exchange().finally(() => (this.exchanging = undefined));
    return this.exchanging;
  }

  private async exchange(): Promise<string> {
    const { clientId, clientSecret, scopes, tokenLifetimeSeconds, refreshBeforeExpirySeconds, now } = this.options;
    const obtainedAt = now();
    const body = { clientId, clientSecret, scopes, expiresInSeconds: tokenLifetimeSeconds };
    const data = this.unwrap(await this.api.POST(TOKEN_PATH, { body }));
    const expiresAtMs = data.expiresAt * 1000;
    const margin = Math.min(refreshBeforeExpirySeconds * 1000, (expiresAtMs - obtainedAt) / 2);
    this.token = { value: data.accessToken, refreshAt: expiresAtMs - margin };
    return data.accessToken;
  }

  private unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
    if (result.response.ok && result.data !== undefined) return result.data;
    throw new VerifyApiError(result.response, result.error);
  }

  private backoffMs(retry: number): number {
    const { initialBackoffMs, maxBackoffMs } = this.options;
    // "Full jitter": spreads the retries of many clients hit by one outage.
    return Math.random() * Math.min(maxBackoffMs, initialBackoffMs * 2 ** retry);
  }

  /** Every request openapi-fetch makes goes through here. */
  private async send(request: Request): Promise<Response> {
    const { maxRetries, maxRetryAfterSeconds, sleep, now } = this.options;
    const isExchange = new URL(request.url).pathname.endsWith(TOKEN_PATH);
    // Repeating is safe only where the server promises the same effect: a read, a keyed write, or the token
    // exchange (which changes nothing but issues another token).
    const repeatable = isExchange || request.method === "GET" || request.headers.has("Idempotency-Key");
    const body = request.body ? await request.arrayBuffer() : undefined;
    let retries = 0;
    let refreshed = false;

    for (;;) {
      const headers = new Headers(request.headers);
      const token = isExchange ? undefined : await this.accessToken();
      if (token) headers.set("Authorization", `Bearer ${token}`);
      let response: Response;
      try {
        response = await this.options.fetch(request.url, {
          method: request.method,
          headers,
          body,
          signal: request.signal,
        });
      } catch (error) {
        if (!repeatable || retries >= maxRetries || request.signal.aborted) throw error;
        await sleep(this.backoffMs(retries++));
        continue;
      }

      if (response.status === 401 && !isExchange && !refreshed && (await errorCode(response)) === "token_expired") {
        refreshed = true;
        // Unless a concurrent call has already replaced it.
        if (this.token?.value === token) this.token = undefined;
        continue;
      }
      if (response.status === 429 && retries < maxRetries) {
        // The server did nothing, so any request may be repeated; a long wait is the caller's decision.
        const wait = retryAfterSeconds(response, now);
        if (wait !== undefined && wait <= maxRetryAfterSeconds) {
          await response.body?.cancel();
          await sleep(wait * 1000);
          retries++;
          continue;
        }
      }
      if (response.status >= 500 && repeatable && retries < maxRetries) {
        await response.body?.cancel();
        await sleep(this.backoffMs(retries++));
        continue;
      }
      return response;
    }
  }
}

async function* walk<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const { items, nextCursor } = await page(cursor);
    yield* items;
    cursor = nextCursor ?? undefined;
  } while (cursor !== undefined);
}
