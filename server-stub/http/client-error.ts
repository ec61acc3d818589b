// What Node's HTTP parser rejects before Express sees a request (headers over maxHeaderSize, a request slower
// than the headers or request timeout, bytes that are not HTTP) is answered here, on the raw socket, with the
// same envelope and X-Request-Id as every other error. Node's own answer would be a bare status line.
import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { ApiError } from "../errors/api-error.ts";
import { envelopeJson } from "../errors/error-response.ts";
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
    const requestId = newRequestId();
    const body = envelopeJson(apiError, requestId);
    socket.end(
      [
        `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}`,
        "Content-Type: application/json; charset=utf-8",
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Request-Id: ${requestId}`,
        "Cache-Control: no-store",
        "X-Content-Type-Options: nosniff",
        "Connection: close",
        "",
        body,
      ].join("\r\n"),
    );
    // Only the code: the raw bytes may hold credentials.
    logger.info({ requestId, status: apiError.status, reason: error.code }, "request rejected by the HTTP parser");
  };
}
