// Request bodies: JSON in UTF-8 only, every string in Unicode NFC, no key twice in one object. body-parser decodes
// any utf-* charset it is told (UTF-7's "+ACI-" becomes a quote), so a charset other than utf-8 is refused 415
// before it is decoded; a repeated key is refused 400 rather than silently resolved last-wins.
import express, { type RequestHandler } from "express";
import { jsonPointer } from "../../contract/index.ts";
import { ApiError } from "../errors/api-error.ts";
import { nfcStrings } from "../free-text.ts";

import { firstRepeatedKey, NestedTooDeeply } from "./duplicate-keys.ts";

class UnsupportedCharset extends Error {}

class RepeatedKey extends Error {
  constructor(readonly path: (string | number)[]) {
    super("repeated key");
  }
}

function refusal(error: unknown): unknown {
  if (error instanceof UnsupportedCharset) return new ApiError("unsupported_media_type");
  if (error instanceof NestedTooDeeply)
    return new ApiError("invalid_request", { details: [{ path: "/body", message: "is nested too deeply" }] });
  if (error instanceof RepeatedKey)
    return new ApiError("invalid_request", {
      details: [{ path: jsonPointer(["body", ...error.path]).slice(1), message: "repeats a key of its object" }],
    });
  return error;
}

export function jsonBody(limit: string): RequestHandler {
  const parse = express.json({
    limit,
    // Free text is NFC from here on: validated, compared, stored and echoed in that form.
    reviver: nfcStrings,
    // body-parser hands the hook the request's charset (lower case, utf-8 when absent), before decoding.
    verify: (_req, _res, body, charset) => {
      if (charset !== "utf-8") throw new UnsupportedCharset(charset);
      const repeated = firstRepeatedKey(body.toString("utf8"));
      if (repeated !== undefined) throw new RepeatedKey(repeated);
    },
  });
  return (req, res, next) => parse(req, res, (error?: unknown) => next(refusal(error)));
}
