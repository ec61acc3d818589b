// One JSON log line per request: id, method, route template (never ids or query values), status, duration.
// Headers and bodies are not logged at all, so no secret or token can reach the log this way.
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { openApiRoute } from "./request-context.ts";

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once("close", () => {
      logger.info(
        {
          requestId: req.requestId,
          method: req.method,
          route: openApiRoute(req) ?? (res.statusCode === 404 ? "(unknown)" : req.path),
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
