// Runs an app on a port with deliberate limits and a graceful shutdown: stop accepting, let in-flight
// requests finish, close the store, within a bounded time. Used by main.ts and by test/support/reference-server.ts.
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { Express } from "express";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { loadContract } from "../contract/index.ts";
import { answerClientError, answerConnect } from "./http/client-error.ts";

/** Request headers above this are 431 (Node's default, set here so that it is a decision, not an accident). */
export const MAX_HEADER_BYTES = 16 * 1024;

export interface RunningServer {
  server: Server;
  url: string;
  /** Idempotent: a second call waits for the first. */
  stop(): Promise<void>;
}

/** Where to listen, the HTTP server's limits and how long a shutdown may take. */
export type ListenSettings = Pick<Config, "host" | "port" | "http" | "shutdownTimeoutMs">;

/** `logger` gets a line for each request Node's parser rejects before the app sees it. */
export async function listen(app: Express, settings: ListenSettings, logger: Logger): Promise<RunningServer> {
  const { host, port, http: limits, shutdownTimeoutMs } = settings;
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      // The app refuses a missing Host itself (http/host-header.ts), with the envelope Node's own 400 lacks.
      requireHostHeader: false,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    app,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on("clientError", answerClientError(logger));
  // GET for the files served beside the contract (/healthz, /docs...), and every method the contract's operations use.
  const methods = new Set(["GET", ...loadContract().operations.map((op) => op.method)]);
  server.on("connect", answerConnect(logger, [...methods].join(", ")));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      // Requests still arriving on keep-alive connections are answered with Connection: close, so their clients
      // reconnect elsewhere; set before the app runs, and only from now on.
      server.prependListener("request", (_req, res) => res.setHeader("Connection", "close"));
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
