// What Node's HTTP parser rejects before Express sees a request (headers over maxHeaderSize, a request slower
// than the headers or request timeout, bytes that are not HTTP) is answered here, on the raw socket, with the
// same envelope and X-Request-Id as every other error, and so is CONNECT, which Node never hands to the app.
// Node's own answer would be a bare status line, or for CONNECT none at all.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { ApiError } from "../errors/api-error.ts";
import { envelopeJson } from "../errors/error-response.ts";
import type { RequestContext } from "./request-context.ts";
import { newRequestId } from "./request-id.ts";

function apiErrorFor(code: string | undefined): ApiError {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return new ApiError("headers_too_large");
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new ApiError("request_timeout");
    default:
      return new ApiError("invalid_request");
  }
}

/** Writes an error answer on a raw socket (no Express response exists) and closes it. */
function answerOnSocket(socket: Duplex, apiError: ApiError, requestId: string): void {
  const body = envelopeJson(apiError, requestId);
  socket.end(
    [
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}`,
      "Content-Type: application/json; charset=utf-8",
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${requestId}`,
      ...Object.entries(apiError.headers).map(([name, value]) => `${name}: ${value}`),
      "Cache-Control: no-store",
      "X-Content-Type-Options: nosniff",
      "Connection: close",
      "",
      body,
    ].join("\r\n"),
  );
}

/** A 'clientError' listener for the HTTP server. */
export function answerClientError(logger: Logger) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    // A response already under way on this connection cannot be followed by another one.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const apiError = apiErrorFor(error.code);
    // A request the app already took (a body that trickled in too slowly) keeps the id it was given and logged.
    const taken = inFlight?.req as { context?: RequestContext } | undefined;
    const requestId = taken?.context?.requestId ?? newRequestId();
    answerOnSocket(socket, apiError, requestId);
    // Only the code: the raw bytes may hold credentials.
    logger.info({ requestId, status: apiError.status, reason: error.code }, "request rejected by the HTTP parser");
  };
}

/**
 * A 'connect' listener: Node hands CONNECT to this event, not to the app, and with no listener it closes the
 * connection without an answer. No path of this server is a tunnel: 405, with the methods it does serve.
 */
export function answerConnect(logger: Logger, allow: string) {
  return (_req: IncomingMessage, socket: Duplex): void => {
    const apiError = new ApiError("method_not_allowed", { headers: { Allow: allow } });
    const requestId = newRequestId();
    answerOnSocket(socket, apiError, requestId);
    logger.info({ requestId, method: "CONNECT", status: apiError.status }, "request");
  };
}
