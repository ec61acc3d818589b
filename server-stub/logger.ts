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

export type BackgroundOutput = ReturnType<typeof pino.destination>;

/** How long the last log lines may take to go out at exit before they are dropped (within the shutdown's 10 s):
 * 0.5 s lost lines of a busy run on a loaded machine (test/reliability/secrets.test.ts on Node 24 in CI). */
export const LOG_RELEASE_BUDGET_MS = 2000;

/**
 * Standard output, written in the background: a request never waits for the pipe, and lines that pile up while
 * a write is under way go out together in the next one. Before exiting, releaseLogOutput lets out what is left.
 */
export function backgroundStdout(): BackgroundOutput {
  return pino.destination({ dest: 1, sync: false });
}

/**
 * Lets the last lines out for at most `budgetMs`, then drops what the reader has not taken, so that the process can
 * exit whatever became of its output. Without this, pino's own exit-time flush retries a full pipe without end (a
 * reader that stopped reading), blocking the event loop, and with it the exit and any later signal, for good; a
 * destroyed destination skips that flush. (A reader that went away, EPIPE, pino drops at once.)
 */
export async function releaseLogOutput(output: BackgroundOutput, budgetMs = LOG_RELEASE_BUDGET_MS): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, budgetMs);
    output.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    output.end();
  });
  output.destroy();
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: "verify-client-reference" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
    destination,
  );
}
