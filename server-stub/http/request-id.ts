// Request ids: a caller's own X-Request-Id is kept when it is short and plain, otherwise the request gets a new one.
import { uuidv7Hex } from "../store/ids.ts";

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function newRequestId(): string {
  return `req_${uuidv7Hex()}`;
}

/** The id for a request that came with this X-Request-Id header (or none). */
export function requestIdFrom(given: string | undefined): string {
  return given && ACCEPTABLE.test(given) ? given : newRequestId();
}
