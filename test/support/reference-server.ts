// Starts a reference server for tests (the conformance suite's and ours): in-process on an ephemeral port
// with a throwaway store, or as the real `npm start` process (compiled dist/, PORT=0).
// With DATABASE_URL set (a PostgreSQL server, e.g. from scripts/pg-test-server), each server gets a database
// of its own there, dropped on close; otherwise a temp SQLite DATA_DIR.
import type { DestinationStream } from "pino";
import { FirmAdmin } from "../../server-stub/admin/firm-admin.ts";
import { type AppDeps, createApp } from "../../server-stub/app.ts";
import { SigningKeys } from "../../server-stub/auth/signing-keys.ts";
import { systemClock, type Clock } from "../../server-stub/clock.ts";
import { configFromEnv } from "../../server-stub/config.ts";
import { ensureDemoIntegration } from "../../server-stub/demo.ts";
import { createLogger } from "../../server-stub/logger.ts";
import { repoFiles, repoRoot, serverNodeFlags } from "../../server-stub/repo-files.ts";
import { listen } from "../../server-stub/server.ts";
import { storeOptionsFrom } from "../../server-stub/store-options.ts";
import { openStore, type Store } from "../../server-stub/store/database.ts";
import { spawnUntilReady, type RunningProcess } from "./processes.ts";
import { createThrowawayStore, type ThrowawayStore } from "./throwaway-store.ts";

export interface ReferenceServerOptions {
  /** Extra environment (TOKEN_FAILURES_PER_CLIENT, TRUST_PROXY, LOG_LEVEL...). */
  env?: Record<string, string>;
  /** Use this SQLite DATA_DIR instead of a throwaway store (which close() removes). */
  dataDir?: string;
  /** Use this PostgreSQL database instead of a throwaway store. */
  databaseUrl?: string;
  /** true (default): createApp in this process; false: spawn `node dist/server-stub/main.js`. */
  inProcess?: boolean;
}

export interface ReferenceServer {
  baseUrl: string;
  /** The SQLite DATA_DIR; undefined on PostgreSQL. */
  dataDir?: string;
  /** The environment that opens this server's store in another process (the admin CLI, a second server). */
  storeEnv: Record<string, string>;
  /** The demo integration (every scope of the catalogue, loopback only). */
  clientId: string;
  clientSecret: string;
  orgId: string;
  pid?: number;
  close(): Promise<void>;
}

/** In-process only: the parts, for tests that need the store or a clock of their own. */
export interface InProcessServer extends ReferenceServer {
  store: Store;
  admin: FirmAdmin;
}

/** The store asked for, or a throwaway one (on the PostgreSQL server at DATABASE_URL when it is set). */
async function storeFor(options: ReferenceServerOptions): Promise<ThrowawayStore> {
  const kept = async () => {};
  if (options.databaseUrl)
    return { options: { databaseUrl: options.databaseUrl }, env: { DATABASE_URL: options.databaseUrl }, dispose: kept };
  if (options.dataDir)
    return {
      options: { dataDir: options.dataDir },
      env: { DATA_DIR: options.dataDir },
      dataDir: options.dataDir,
      dispose: kept,
    };
  return createThrowawayStore(process.env.DATABASE_URL);
}

/**
 * Loopback, a free port, this store (and no other DATABASE_URL); the log level and 501 for operations without a
 * handler (a spec change runs the suite before its handler exists) unless options.env sets them.
 */
function serverEnv(
  logLevel: string,
  options: ReferenceServerOptions,
  location: ThrowawayStore,
): Record<string, string> {
  return {
    LOG_LEVEL: logLevel,
    UNIMPLEMENTED_OPERATIONS: "501",
    ...options.env,
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: "",
    ...location.env,
  };
}

export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  return options.inProcess === false ? startProcess(options) : startInProcess(options);
}

export async function startInProcess(
  options: ReferenceServerOptions &
    Pick<AppDeps, "bundle" | "handlers"> & {
      clock?: Clock;
      logDestination?: DestinationStream;
    } = {},
): Promise<InProcessServer> {
  const location = await storeFor(options);
  const config = configFromEnv(serverEnv("silent", options, location));
  let store: Store;
  try {
    store = await openStore(storeOptionsFrom(config));
  } catch (e) {
    await location.dispose();
    throw e;
  }
  const admin = new FirmAdmin(store);
  const keys = new SigningKeys(store);
  const demo = await ensureDemoIntegration(store);
  // An existing store's demo secret was shown long ago: give this run a fresh one.
  const clientSecret = demo.clientSecret ?? (await admin.rotateSecret({ appId: demo.appId })).clientSecret;
  const logger = createLogger(config.logLevel, options.logDestination);
  const { bundle, handlers } = options;
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp({ config, store, keys, clock: options.clock ?? systemClock, logger, bundle, handlers });
  } catch (e) {
    // An app that will not start (an operation without its handler file) leaves no store behind.
    await store.close();
    await location.dispose();
    throw e;
  }
  const running = await listen(app, config, logger);
  return {
    baseUrl: running.url,
    dataDir: location.dataDir,
    storeEnv: location.env,
    clientId: demo.appId,
    clientSecret,
    orgId: demo.orgId,
    store,
    admin,
    async close() {
      await running.stop();
      await store.close();
      await location.dispose();
    },
  };
}

/** The line `npm start`, `npm run cluster` and main.js print once they listen: the URL and the pid. */
export const SERVER_READY = /ready at (http:\/\/\S+) \(pid (\d+)\)/;

/** The demo credentials a server prints on its first start (an empty store); later starts print none. */
export function printedCredentials(lines: string[]): { clientId?: string; clientSecret?: string } {
  const printed: Record<string, string> = {};
  for (const line of lines) {
    const field = /^(clientId|clientSecret): (\S+)$/.exec(line);
    if (field) printed[field[1]] = field[2];
  }
  return printed;
}

async function startProcess(options: ReferenceServerOptions): Promise<ReferenceServer> {
  const location = await storeFor(options);
  let server: RunningProcess;
  try {
    server = await spawnUntilReady(process.execPath, [...serverNodeFlags, repoFiles.distMain], {
      name: "the server (dist/server-stub/main.js)",
      ready: SERVER_READY,
      cwd: repoRoot,
      env: { ...process.env, ...serverEnv("warn", options, location) },
    });
  } catch (e) {
    await location.dispose();
    throw e;
  }
  let { clientId, clientSecret } = printedCredentials(server.lines);
  let orgId: string;
  // The store is shared: read (or, on a reused store, re-issue) the demo credentials while the server runs.
  const store = await openStore(location.options);
  try {
    const demo = await ensureDemoIntegration(store);
    orgId = demo.orgId;
    clientId ??= demo.appId;
    clientSecret ??= (await new FirmAdmin(store).rotateSecret({ appId: demo.appId })).clientSecret;
  } finally {
    await store.close();
  }

  return {
    baseUrl: server.ready[1],
    dataDir: location.dataDir,
    storeEnv: location.env,
    clientId,
    clientSecret,
    orgId,
    pid: server.pid,
    async close() {
      await server.stop();
      await location.dispose();
    },
  };
}

/**
 * `npm start` as a user runs it, on this store, in a process group of its own: a signal to the group reaches npm and
 * the server, as Ctrl-C in a terminal does.
 */
export function spawnNpmStart(
  storeEnv: Record<string, string>,
  options: { logLevel: string; keepOutput?: boolean; timeoutMs?: number },
): Promise<RunningProcess> {
  return spawnUntilReady("npm", ["start", "--silent"], {
    name: "npm start",
    ready: SERVER_READY,
    cwd: repoRoot,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...storeEnv, LOG_LEVEL: options.logLevel },
    detached: true,
    keepOutput: options.keepOutput,
    timeoutMs: options.timeoutMs,
  });
}
