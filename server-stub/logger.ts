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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: "verify-client-reference" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}
