// What the app's middlewares attach to each request.
import type { Principal } from "../auth/bearer.ts";
import type { ApiError } from "../errors/api-error.ts";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      requestId: string;
      /** Set by bearer authentication for operations with a security requirement. */
      principal?: Principal;
      /** The real reason authentication failed: express-openapi-validator rewraps what its security handler throws. */
      authFailure?: ApiError;
    }
  }
}

/** The spec path template the request matched (set by express-openapi-validator), if any. */
export function openApiRoute(req: Express.Request): string | undefined {
  return (req as { openapi?: { openApiRoute?: string } }).openapi?.openApiRoute;
}
