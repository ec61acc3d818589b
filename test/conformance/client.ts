// The plain typed client the suite talks through: openapi-fetch on generated/schema.d.ts, with no retries, no
// token refresh and no redirects followed, so nothing can hide a fault. Every exchange is recorded as sent and
// received, and every response is validated against the contract as it arrives.
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../../generated/schema.d.ts";
import type { ResponseValidator, Violation } from "./response-validator.ts";

export type Scope = components["schemas"]["Scope"];
export type Api = Client<paths>;

export interface Exchange {
  seq: number;
  operationId?: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  /** Why no response arrived (refused connection, timeout). */
  error?: string;
  violations: Violation[];
  durationMs: number;
  /** The constraint probe this request carried (see constraints.ts), for the coverage report. */
  probe?: string;
  /** The spec link this request was sent to follow (see links.ts): "createCase.addParty". */
  link?: string;
}

export interface ConformanceClient {
  api: Api;
  exchanges: Exchange[];
}

const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function createConformanceClient(options: {
  baseUrl: string;
  validator: ResponseValidator;
  timeoutMs?: number;
}): ConformanceClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 15_000;
  const exchanges: Exchange[] = [];

  async function recordingFetch(request: Request): Promise<Response> {
    const started = performance.now();
    const url = new URL(request.url);
    const exchange: Exchange = {
      seq: exchanges.length + 1,
      request: {
        method: request.method,
        url: request.url,
        headers: Object.fromEntries(request.headers),
        body: request.body ? await request.clone().text() : undefined,
      },
      violations: [],
      durationMs: 0,
    };
    exchanges.push(exchange);
    let response: Response;
    let body: string;
    try {
      response = await fetch(request, { signal: AbortSignal.timeout(timeoutMs) });
      body = await response.text();
    } catch (error) {
      exchange.error = describeFetchError(error, timeoutMs);
      exchange.durationMs = performance.now() - started;
      throw new Error(`${request.method} ${request.url}: ${exchange.error}`);
    }
    exchange.durationMs = performance.now() - started;
    exchange.response = { status: response.status, headers: Object.fromEntries(response.headers), body };
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
    const result = options.validator.validate({
      method: request.method,
      path,
      status: response.status,
      headers: exchange.response.headers,
      body,
    });
    exchange.operationId = result.operation?.operationId;
    exchange.violations = result.violations;
    return new Response(NO_BODY_STATUSES.has(response.status) ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  const api = createClient<paths>({ baseUrl, fetch: recordingFetch, redirect: "manual" });
  return { api, exchanges };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return `no response within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? String(error);
}

/** What a check gets back from one call: the parsed answer and the exchange it came from. */
export interface CallResult<D = unknown> {
  status: number;
  data?: D;
  /** The parsed error body, when the status is not 2xx and the body is JSON. */
  error?: any;
  exchange: Exchange;
}

/**
 * Awaits one openapi-fetch call and pairs its answer with the recorded exchange. A 2xx body that is not JSON makes
 * openapi-fetch throw; the exchange already says why (its violations), so it comes back as a result without data.
 */
export async function call<D>(
  client: ConformanceClient,
  pending: Promise<{ data?: D; error?: unknown; response: Response }>,
): Promise<CallResult<D>> {
  const before = client.exchanges.length;
  try {
    const { data, error, response } = await pending;
    return { status: response.status, data, error, exchange: client.exchanges[client.exchanges.length - 1] };
  } catch (thrown) {
    const exchange = client.exchanges[client.exchanges.length - 1];
    if (client.exchanges.length > before && exchange.response && thrown instanceof SyntaxError) {
      return { status: exchange.response.status, exchange };
    }
    throw thrown;
  }
}

/** A request body that deliberately breaks the contract, passed where the typed client expects a valid one. */
export function invalid<T>(value: unknown): T {
  return value as T;
}

/** Sends a body exactly as written (malformed JSON, another media type): openapi-fetch's bodySerializer hook. */
export const asWritten = (body: unknown) => body as string;
