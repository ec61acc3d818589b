// Bearer authentication, which express-openapi-validator runs for every operation with a security requirement:
// the scope comes from that requirement, and the principal goes into the request context. The validator answers
// a failed check with an error of its own that keeps only a status and a message, so the real error (its code and
// WWW-Authenticate) is kept in the context too, and authFailures(), right after the validator, answers with it.
import type { ErrorRequestHandler, Request } from "express";
import type { Contract } from "../../contract/index.ts";
import { noTokenError, type BearerAuthenticator } from "../auth/bearer.ts";
import { ApiError } from "../errors/api-error.ts";
import { unavailable } from "../errors/error-response.ts";
import { isStoreUnavailable } from "../store/availability.ts";
import { clientAddress } from "./client-address.ts";

type SecurityHandler = (req: Request, scopes: string[]) => Promise<boolean>;
export type SecurityHandlers = Record<string, SecurityHandler>;

/** The validator's security handlers: bearer authentication for every scheme the spec declares. */
export function securityHandlers(contract: Contract, bearer: BearerAuthenticator): SecurityHandlers {
  const authenticate: SecurityHandler = async (req, scopes) => {
    try {
      req.context.principal = await bearer.authenticate(req.get("authorization"), clientAddress(req), scopes[0]);
      return true;
    } catch (e) {
      if (e instanceof ApiError) req.context.authFailure = e;
      // The validator would answer a store that did not answer as a 401: it is a 503, as everywhere else.
      else if (isStoreUnavailable(e)) req.context.authFailure = unavailable();
      throw e;
    }
  };
  return Object.fromEntries(
    Object.keys(contract.doc.components?.securitySchemes ?? {}).map((scheme) => [scheme, authenticate]),
  );
}

/** Right after the validator: a failed authentication is answered with its real error. */
export function authFailures(): ErrorRequestHandler {
  return (error, req, _res, next) => {
    // A 401 without one is the validator's own check, which runs before ours: no Authorization header, or not Bearer.
    next(req.context.authFailure ?? (error?.status === 401 ? noTokenError() : error));
  };
}
