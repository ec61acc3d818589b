// Request bodies: JSON in UTF-8 only, every string in Unicode NFC. body-parser decodes any utf-* charset it is
// told (UTF-7's "+ACI-" becomes a quote), so a charset other than utf-8 is refused 415 before it is decoded.
import express, { type RequestHandler } from "express";
import { ApiError } from "../errors/api-error.ts";
import { nfcStrings } from "../free-text.ts";

class UnsupportedCharset extends Error {}

export function jsonBody(limit: string): RequestHandler {
  const parse = express.json({
    limit,
    // Free text is NFC from here on: validated, compared, stored and echoed in that form.
    reviver: nfcStrings,
    // body-parser hands the hook the request's charset (lower case, utf-8 when absent), before decoding.
    verify: (_req, _res, _body, charset) => {
      if (charset !== "utf-8") throw new UnsupportedCharset(charset);
    },
  });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) =>
      next(error instanceof UnsupportedCharset ? new ApiError("unsupported_media_type") : error),
    );
}
