// The values a request's parts share (its id, who it acts as, why authentication failed), in one typed object:
// requestContext() makes it as the app's first middleware, and authentication fills in the rest.
import type { RequestHandler } from "express";
import type { Principal } from "../auth/bearer.ts";
import type { ApiError } from "../errors/api-error.ts";
import { callerRequestIdForLog, newRequestId } from "./request-id.ts";

export interface RequestContext {
  /** The server's own id, echoed in X-Request-Id, the error envelope, the log line and the audit rows. */
  readonly requestId: string;
  /** The caller's own X-Request-Id, escaped and bounded: logged beside requestId, never used as it. */
  readonly callerRequestId: string | undefined;
  /** Who the request acts as: set by authentication for operations with a security requirement. */
  principal: Principal | undefined;
  /** Why authentication failed: express-openapi-validator keeps only the status and message of what it throws. */
  authFailure: ApiError | undefined;
}

declare global {
  namespace Express {
    interface Request {
      /** Set by requestContext(), the app's first middleware. */
      context: RequestContext;
    }
  }
}

/** The app's first middleware: the request's context, and its id echoed in X-Request-Id on every response. */
export function requestContext(): RequestHandler {
  return (req, res, next) => {
    // Every field from the start: one object shape for every request.
    req.context = {
      requestId: newRequestId(),
      callerRequestId: callerRequestIdForLog(req.get("x-request-id")),
      principal: undefined,
      authFailure: undefined,
    };
    res.setHeader("X-Request-Id", req.context.requestId);
    next();
  };
}
