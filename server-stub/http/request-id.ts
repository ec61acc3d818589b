// Request ids are always the server's own, so an id copied from another firm's request cannot reach an audit
// row; a caller's own X-Request-Id is only logged beside it, escaped and bounded.
import { uuidv7Hex } from "../store/ids.ts";

const CALLER_ID_MAX = 128;

export function newRequestId(): string {
  return `req_${uuidv7Hex()}`;
}

/** A caller's X-Request-Id as it may be logged: at most 128 characters, anything outside printable ASCII escaped. */
export function callerRequestIdForLog(given: string | undefined): string | undefined {
  if (given === undefined || given === "") return undefined;
  const escaped = given.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`);
  return escaped.length > CALLER_ID_MAX ? `${escaped.slice(0, CALLER_ID_MAX)}…` : escaped;
}
