// Starts a reference server for tests (the conformance suite's and ours): in-process on an ephemeral port
// with a throwaway store, or as the real `npm start` process (compiled dist/, PORT=0).
// With DATABASE_URL set (a PostgreSQL server, e.g. from scripts/pg-test-server), each server gets a database
// of its own there, dropped on close; otherwise a temp SQLite DATA_DIR.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { DestinationStream } from "pino";
import { FirmAdmin } from "./admin/firm-admin.ts";
import { createApp } from "./app.ts";
import { SigningKeys } from "./auth/signing-keys.ts";
import { systemClock, type Clock } from "./clock.ts";
import { configFromEnv } from "./config.ts";
import { ensureDemoIntegration } from "./demo.ts";
import { createLogger } from "./logger.ts";
import { repoFiles, repoRoot, serverNodeFlags } from "./repo-files.ts";
import { listen } from "./server.ts";
import { storeOptionsFrom } from "./store-options.ts";
import { openStore, type Store } from "./store/database.ts";
import { createThrowawayStore, type ThrowawayStore } from "./store/throwaway.ts";

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
  /** The demo integration (all five scopes, loopback only). */
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

export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  return options.inProcess === false ? startProcess(options) : startInProcess(options);
}

export async function startInProcess(
  options: ReferenceServerOptions & { clock?: Clock; logDestination?: DestinationStream } = {},
): Promise<InProcessServer> {
  const location = await storeFor(options);
  const config = configFromEnv({
    LOG_LEVEL: "silent",
    ...options.env,
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: "",
    ...location.env,
  });
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
  const app = createApp({ config, store, keys, clock: options.clock ?? systemClock, logger });
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

const READY = /ready at (http:\/\/\S+) \(pid (\d+)\)/;

async function startProcess(options: ReferenceServerOptions): Promise<ReferenceServer> {
  const location = await storeFor(options);
  const child = spawn(process.execPath, [...serverNodeFlags, repoFiles.distMain], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      ...options.env,
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: "",
      ...location.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));

  const printed: Record<string, string> = {};
  let ready: { url: string; pid: number };
  try {
    ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not print its ready line within 15 s\n${stderr}`)),
        15_000,
      );
      void exited.then((code) => reject(new Error(`server exited (${code}) before it was ready\n${stderr}`)));
      createInterface({ input: child.stdout }).on("line", (line) => {
        const field = /^(clientId|clientSecret): (\S+)$/.exec(line);
        if (field) printed[field[1]] = field[2];
        const match = READY.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve({ url: match[1], pid: Number(match[2]) });
        }
      });
    });
  } catch (e) {
    child.kill("SIGKILL");
    await exited;
    await location.dispose();
    throw e;
  }
  // readline keeps reading stdout after this, so the child never blocks on a full pipe.
  let { clientId, clientSecret } = printed;
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
    baseUrl: ready.url,
    dataDir: location.dataDir,
    storeEnv: location.env,
    clientId,
    clientSecret,
    orgId,
    pid: ready.pid,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      await location.dispose();
    },
  };
}
