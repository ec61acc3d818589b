// The one error middleware: turns whatever went wrong into an ApiError and writes the contract's envelope
// { ok: false, error: { code, message, details }, requestId } with the error's headers. Nothing else writes
// error bodies. Unexpected errors (and responses that broke the spec) are logged and answered 500.
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { isStoreUnavailable } from "../store/availability.ts";
import { UniqueViolation } from "../store/constraint-errors.ts";
import { ApiError, type ErrorDetail } from "./api-error.ts";

interface ValidatorError {
  status?: number;
  type?: string;
  message?: string;
  headers?: Record<string, string>;
  errors?: { path?: string; message?: string }[];
}

// express-openapi-validator reports where a problem is as "/body/matterRef", "/query/limit", "/path/caseId"
// (or ".body.matterRef" in older forms); a few of its errors give the request URL instead, which says nothing
// more than "the path".
function detailPath(path: string | undefined): string {
  const normalised = path?.startsWith(".") ? path.replaceAll(".", "/") : (path ?? "");
  return /^\/(body|query|path|headers|params)(\/|$)/.test(normalised)
    ? normalised.replace(/^\/params/, "/path")
    : "/path";
}

/** What a 503 unavailable asks the client to wait before trying again. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/** 503 unavailable: the database did not answer; try again after Retry-After. */
export function unavailable(): ApiError {
  return new ApiError("unavailable", { headers: { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } });
}

/** Maps any error to the ApiError to answer with, and says whether it is unexpected (to be logged). */
export function toApiError(error: unknown): { apiError: ApiError; unexpected: boolean } {
  if (error instanceof ApiError) return { apiError: error, unexpected: false };
  // The store speaks of constraints; the one a client can break is a second case with the same matterRef.
  if (error instanceof UniqueViolation && error.constraint === "cases_org_matter_ref_unique") {
    return { apiError: new ApiError("duplicate_matter_ref"), unexpected: false };
  }
  // The database did not answer (locked past the busy timeout, unreachable, restarting): nothing was written, and a
  // retry shortly may succeed. Logged, since an outage should be seen.
  if (isStoreUnavailable(error)) {
    return { apiError: unavailable(), unexpected: true };
  }
  const e = (error ?? {}) as ValidatorError;
  switch (e.type) {
    // body-parser's errors
    case "entity.parse.failed":
      return {
        apiError: new ApiError("invalid_request", {
          details: [{ path: "/body", message: "is not a valid JSON object" }],
        }),
        unexpected: false,
      };
    case "entity.too.large":
      return { apiError: new ApiError("payload_too_large"), unexpected: false };
    case "charset.unsupported":
    case "encoding.unsupported":
      return { apiError: new ApiError("unsupported_media_type"), unexpected: false };
  }
  // express-openapi-validator's errors
  switch (e.status) {
    case 400: {
      const details: ErrorDetail[] = (e.errors ?? []).slice(0, 100).map((d) => ({
        path: detailPath(d.path),
        message: /^malformed uri/.test(String(d.message))
          ? "is not valid percent-encoding"
          : String(d.message ?? "is invalid").slice(0, 1000),
      }));
      return { apiError: new ApiError("invalid_request", { details }), unexpected: false };
    }
    case 404:
      return { apiError: new ApiError("not_found"), unexpected: false };
    case 405: {
      const allow = (e.headers?.Allow ?? "").toUpperCase();
      return { apiError: new ApiError("method_not_allowed", { headers: { Allow: allow } }), unexpected: false };
    }
    case 413:
      return { apiError: new ApiError("payload_too_large"), unexpected: false };
    case 415:
      return { apiError: new ApiError("unsupported_media_type"), unexpected: false };
  }
  return { apiError: new ApiError("internal_error"), unexpected: true };
}

/** The contract's error body, as JSON text. */
export function envelopeJson(apiError: ApiError, requestId: string): string {
  return JSON.stringify({
    ok: false,
    error: { code: apiError.code, message: apiError.message, details: apiError.details },
    requestId,
  });
}

export function errorResponse(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const { apiError, unexpected } = toApiError(error);
    if (unexpected) {
      // The log gets the detail (a response that broke the spec says where); the client gets none of it.
      logger.error({ requestId: req.context.requestId, err: error }, "request failed");
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(apiError.status);
    for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
    res.type("application/json").send(envelopeJson(apiError, req.context.requestId));
  };
}
