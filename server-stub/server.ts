// Runs an app on a port with deliberate limits and a graceful shutdown: stop accepting, let in-flight
// requests finish, close the store, within a bounded time. Used by main.ts and by testing.ts.
// The limits (app.locals.httpLimits) and the logger (app.locals.logger) come from createApp.
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { Express } from "express";
import type { Logger } from "pino";
import type { HttpLimits } from "./config.ts";
import { answerClientError } from "./http/client-error.ts";

/** Request headers above this are 431 (Node's default, set here so that it is a decision, not an accident). */
export const MAX_HEADER_BYTES = 16 * 1024;

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

export interface RunningServer {
  server: Server;
  url: string;
  /** Idempotent: a second call waits for the first. */
  stop(): Promise<void>;
}

export async function listen(
  app: Express,
  host: string,
  port: number,
  shutdownTimeoutMs: number,
): Promise<RunningServer> {
  const limits: HttpLimits = app.locals.httpLimits ?? DEFAULT_HTTP_LIMITS;
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    app,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on("clientError", answerClientError(app.locals.logger as Logger | undefined));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      app.locals.draining = true;
      const force = setTimeout(() => server.closeAllConnections(), shutdownTimeoutMs);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
    return stopping;
  };
  return { server, url: `http://${hostForUrl}:${address.port}`, stop };
}
