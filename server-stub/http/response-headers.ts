// The headers every answer carries: helmet's defaults and Cache-Control: no-store.
//
// Performance shortcut: with its defaults every header helmet sets is a constant, so helmet runs once, against a
// response that is never sent, and one middleware sets what it set, instead of helmet's chain of a dozen
// middlewares on every request. Measured in commit d65d2b6 together with no ETag, no multer check and the
// compiled route matchers (http/route-matchers.ts): createCase ~1100-1400 -> 900-1020 us CPU per request,
// listCaseIds ~1100 -> 880, token exchange ~1160 -> 950 (A/B runs). Pinned by test/server/response-headers.test.ts
// (exactly helmet's own headers, names and values) and by test/reliability/http-limits.test.ts ("headers on every
// answer", on successes and every kind of error).
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import type { RequestHandler } from "express";
import helmet from "helmet";

/** The headers helmet's defaults set, as [name, value] pairs in helmet's order (names in lower case, as HTTP/2 has them). */
function helmetHeaders(): [string, string][] {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  helmet()(res.req, res, (error?: unknown) => {
    if (error) throw error;
  });
  return res.getHeaderNames().map((name) => [name, String(res.getHeader(name))]);
}

export function responseHeaders(): RequestHandler {
  const headers = [
    ...helmetHeaders(),
    // Answers carry tokens, firm data or errors about them: no cache, shared or private, may keep one.
    ["Cache-Control", "no-store"],
  ];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
