// The pino logger: JSON lines; credentials are redacted wherever they might appear in a logged object.
import { pino, type DestinationStream, type Logger } from "pino";

export const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "clientSecret",
  "*.clientSecret",
  "body.clientSecret",
  "accessToken",
  "*.accessToken",
];

/**
 * Standard output, written in the background: a request never waits for the pipe, and lines that pile up while
 * a write is under way go out together in the next one. pino flushes what is left when the process exits.
 */
export function backgroundStdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: "verify-client-reference" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
    destination,
  );
}
