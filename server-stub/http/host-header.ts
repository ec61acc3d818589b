// An HTTP/1.1 request must name its Host (RFC 9112 §3.2). Node can refuse one that does not, but only with a bare
// 400 of its own, so the server is started with that check off and it is made here, answered with the envelope.
import type { RequestHandler } from "express";
import { ApiError } from "../errors/api-error.ts";

export function requireHostHeader(): RequestHandler {
  return (req, _res, next) => {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
      next(new ApiError("invalid_request", { details: [{ path: "/headers/host", message: "is required" }] }));
    } else next();
  };
}
