// One JSON log line per request: id (and the caller's own, escaped and bounded), method, route template (never ids or query values), status, duration.
// Headers and bodies are not logged at all, so no secret or token can reach the log this way.
import type { RequestHandler } from "express";
import type { Logger } from "pino";

/** The spec path template the request matched (set by express-openapi-validator), if any. */
function openApiRoute(req: Express.Request): string | undefined {
  return (req as { openapi?: { openApiRoute?: string } }).openapi?.openApiRoute;
}

export function requestLog(logger: Logger): RequestHandler {
  // These lines hold only the fields below, none of which can carry a credential, so they skip redaction: pino's
  // redactor parses every redacted path again on every line it writes, the largest allocation of a request.
  const lines = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once("close", () => {
      lines.info(
        {
          requestId: req.context.requestId,
          callerRequestId: req.context.callerRequestId,
          method: req.method,
          // Never the raw path, which is the caller's to choose: the spec's template or Express's route, if any.
          route: openApiRoute(req) ?? req.route?.path ?? "(unknown)",
          status: res.statusCode,
          durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          address: req.ip,
          aborted: !res.writableFinished || undefined,
        },
        "request",
      );
    });
    next();
  };
}
