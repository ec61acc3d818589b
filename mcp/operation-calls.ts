// Calls one operation for a tool: checks the arguments against the tool's input schema, splits them into path,
// query, header and body, adds the token for the operation's scope and, on a write that declares it, an
// Idempotency-Key derived from the tool and its canonical arguments; then checks the answer against the response
// schema. Every failure is an ApiFailure carrying the envelope's code and message.
import { createHash } from "node:crypto";
import type { ValueChecks } from "../contract/value-checks.ts";
import type { ErrorCode } from "../generated/error-catalogue.ts";
import { ApiFailure } from "./api-failure.ts";
import { REQUEST_TIMEOUT_MS, type TokenSource } from "./token-source.ts";
import { IDEMPOTENCY_ARGUMENT, type OperationTool } from "./tools.ts";

const INVALID_INPUT: ErrorCode = "invalid_request";

/** JSON with object keys sorted at every depth: equal arguments give equal text whatever their order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** The same tool with the same arguments gives the same key, so an agent that repeats a call gets a replay. */
export function derivedIdempotencyKey(tool: string, args: Record<string, unknown>): string {
  const { [IDEMPOTENCY_ARGUMENT]: _given, ...rest } = args;
  return `mcp-${tool}-${createHash("sha256").update(canonicalJson(rest)).digest("hex").slice(0, 40)}`;
}

export class OperationCalls {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
    private readonly checks: ValueChecks,
  ) {}

  /** The success answer's body; throws an ApiFailure otherwise. */
  async call(tool: OperationTool, args: Record<string, unknown>): Promise<unknown> {
    const problem = this.checks.problemWith(tool.inputSchema, args);
    if (problem)
      throw new ApiFailure(
        undefined,
        INVALID_INPUT,
        `The arguments do not match ${tool.name}'s input schema: ${problem}`,
      );
    const request = this.request(tool, args);
    const scope = tool.operation.scope as string;
    let answer = await this.send(request, await this.tokens.token(scope));
    // A token the API stopped accepting (expired, revoked): exchange once more and repeat, safe under its key.
    if (answer.status === 401) {
      this.tokens.forget(scope);
      answer = await this.send(request, await this.tokens.token(scope));
    }
    if (answer.status < 200 || answer.status > 299) throw ApiFailure.fromAnswer(answer.status, answer.body);
    const broken = tool.responseSchema && this.checks.problemWith(tool.responseSchema, answer.body);
    if (broken)
      throw new ApiFailure(
        answer.status,
        "response_not_in_contract",
        `The API's answer breaks ${tool.name}'s response schema: ${broken}`,
      );
    return answer.body;
  }

  private request(tool: OperationTool, args: Record<string, unknown>) {
    let path = tool.operation.path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = { Accept: "application/json" };
    let body: Record<string, unknown> | undefined;
    for (const [argument, value] of Object.entries(args)) {
      const place = tool.placement.get(argument);
      if (!place) continue;
      if (place.in === "path") path = path.replace(`{${place.name}}`, encodeURIComponent(String(value)));
      else if (place.in === "query") query.set(place.name, String(value));
      else if (place.in === "header") headers[place.name] = String(value);
      else if (place.name === "") body = value as Record<string, unknown>;
      else body = { ...body, [place.name]: value };
    }
    if (tool.operation.requestBody) {
      headers["Content-Type"] = "application/json";
      body ??= {};
    }
    const keyHeader = tool.placement.get(IDEMPOTENCY_ARGUMENT);
    if (keyHeader && args[IDEMPOTENCY_ARGUMENT] === undefined)
      headers[keyHeader.name] = derivedIdempotencyKey(tool.name, args);
    const url = new URL(path.replace(/^\//, ""), `${this.baseUrl.replace(/\/$/, "")}/`);
    url.search = query.toString();
    return { method: tool.operation.method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) };
  }

  private async send(request: ReturnType<OperationCalls["request"]>, token: string) {
    const res = await fetch(request.url, {
      method: request.method,
      headers: { ...request.headers, Authorization: `Bearer ${token}` },
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }
}
