import type { Request, RequestHandler } from "express";
import { canonicalAddress, parseAddress } from "../auth/ip-ranges.ts";
import { ApiError } from "../errors/api-error.ts";

/** The socket's address, or the one a trusted proxy forwarded (Express's trust proxy), in canonical form. */
export function clientAddress(req: Pick<Request, "ip" | "socket">): string {
  return canonicalAddress(req.ip ?? req.socket.remoteAddress ?? "");
}

/**
 * Behind a trusted proxy the address is what X-Forwarded-For says: one that is not an IP is refused, rather than
 * given a rate-limit bucket of its own.
 */
export function requireIpAddress(): RequestHandler {
  return (req, _res, next) => {
    if (parseAddress(req.ip ?? req.socket.remoteAddress ?? "") !== null) return next();
    next(
      new ApiError("invalid_request", {
        details: [{ path: "/headers/x-forwarded-for", message: "must end with the client's IP address" }],
      }),
    );
  };
}
