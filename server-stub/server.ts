// Runs an app on a port with deliberate timeouts and a graceful shutdown: stop accepting, let in-flight
// requests finish, close the store, within a bounded time. Used by main.ts and by testing.ts.
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { Express } from "express";

export interface RunningServer {
  server: Server;
  url: string;
  /** Idempotent: a second call waits for the first. */
  stop(): Promise<void>;
}

export async function listen(app: Express, host: string, port: number, shutdownTimeoutMs: number): Promise<RunningServer> {
  const server = createServer(app);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
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
