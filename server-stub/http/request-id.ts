// Gives every request an id (a caller's own X-Request-Id is kept when it is short and plain) and echoes it in
// X-Request-Id on every response.
import type { RequestHandler } from "express";
import { uuidv7Hex } from "../store/ids.ts";

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function newRequestId(): string {
  return `req_${uuidv7Hex()}`;
}

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    req.requestId = given && ACCEPTABLE.test(given) ? given : newRequestId();
    res.setHeader("X-Request-Id", req.requestId);
    next();
  };
}
