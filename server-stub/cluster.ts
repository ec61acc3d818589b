// `npm run cluster -- --workers N`: N reference-server processes (node:cluster) sharing one port and one store.
// Meant for PostgreSQL (DATABASE_URL), where the workers write in parallel; on SQLite they share the file and
// take turns to write. Every guarantee that spans requests lives in the store (signing keys, the cursor key,
// failure counters, idempotency keys, the matterRef constraint), so any worker can answer any request.
//
// The primary migrates the store and creates the signing key and demo integration once, prints the banner,
// then forks the workers (each runs main.ts) and prints one ready line when all of them listen. A worker
// that exits while the cluster runs is replaced; SIGTERM/SIGINT stop every worker gracefully.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import type { Logger } from "pino";
import { SigningKeys } from "./auth/signing-keys.ts";
import { configOrExit, type Config } from "./config.ts";
import { demoBanner, ensureDemoIntegration, type DemoIntegration } from "./demo.ts";
import { integerOption } from "./integer-option.ts";
import { createLogger } from "./logger.ts";
import { storeOptionsFrom } from "./store-options.ts";
import { openStore } from "./store/database.ts";
import { StoreModeError, TIGHTENED_MESSAGE } from "./store/file-modes.ts";

/** A worker that never gets to listen within this long is a failed start, not a slow one. */
const WORKER_START_TIMEOUT_MS = 30_000;
/** Longer than a worker's own graceful shutdown (main.ts exits within 10 s). */
const STOP_TIMEOUT_MS = 12_000;

function parseArguments(): { workers: number } {
  return (
    new Command("npm run cluster --")
      .description("Run N reference-server processes on one port, sharing the store of DATABASE_URL (or DATA_DIR).")
      .option("-w, --workers <n>", "worker processes", integerOption(1, 64), availableParallelism())
      .addHelpText(
        "after",
        "\nThe environment is npm start's (PORT, HOST, DATABASE_URL, PG_POOL_SIZE...); each worker opens PG_POOL_SIZE connections.",
      )
      // A usage error ends with commander's one line, exit 2 (help exits 0).
      .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
      .parse()
      .opts<{ workers: number }>()
  );
}

/** Migrations, the first signing key and the demo integration, done once before any worker starts. */
async function prepareStore(config: Config, logger: Logger): Promise<DemoIntegration> {
  const store = await openStore(storeOptionsFrom(config));
  for (const path of store.tightened) logger.warn({ path }, TIGHTENED_MESSAGE);
  try {
    await new SigningKeys(store).current();
    return await ensureDemoIntegration(store);
  } finally {
    await store.close();
  }
}

async function runPrimary(): Promise<void> {
  const { workers } = parseArguments();
  const config = configOrExit(process.env);
  const logger = createLogger(config.logLevel);
  const demo = await prepareStore(config, logger);

  cluster.setupPrimary({
    exec: fileURLToPath(new URL(`./main${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url)),
  });
  const live = new Set<Worker>();
  const listening = new Set<Worker>();
  let ready = false;
  let stopping: { exitCode: number } | undefined;

  const stop = (exitCode: number) => {
    if (stopping) return;
    stopping = { exitCode };
    if (live.size === 0) process.exit(exitCode);
    for (const worker of live) worker.process.kill("SIGTERM");
    setTimeout(() => {
      for (const worker of live) worker.process.kill("SIGKILL");
      process.exit(exitCode || 1);
    }, STOP_TIMEOUT_MS).unref();
  };

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    const timer = setTimeout(() => {
      console.error(
        `cannot start: worker ${worker.process.pid} did not listen within ${WORKER_START_TIMEOUT_MS / 1000} s`,
      );
      stop(1);
    }, WORKER_START_TIMEOUT_MS);
    worker.once("listening", () => clearTimeout(timer));
    worker.once("exit", () => clearTimeout(timer));
  };

  cluster.on("listening", (worker, address) => {
    listening.add(worker);
    if (ready) {
      logger.info({ pid: worker.process.pid }, "replacement worker listening");
      return;
    }
    if (listening.size < workers) return;
    ready = true;
    // With PORT=0 every worker shares the port the first one got.
    const host = address.address.includes(":") ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    process.stdout.write(`${demoBanner(demo, url)}\n`);
    process.stdout.write(`workers: ${[...listening].map((w) => w.process.pid).join(", ")}\n`);
    process.stdout.write(`Verify Client reference server ready at ${url} (pid ${process.pid})\n`);
  });

  cluster.on("exit", (worker, code, signal) => {
    live.delete(worker);
    const wasListening = listening.delete(worker);
    if (stopping) {
      if (live.size === 0) process.exit(stopping.exitCode);
      return;
    }
    if (!wasListening) {
      // It died while starting (bad DATABASE_URL, port in use...): its own message is on stderr already.
      console.error(`cannot start: worker ${worker.process.pid} exited (${signal ?? code}) before it listened`);
      // A configuration error (exit 2: an operation without its handler, a store's mode) stays one.
      stop(code === 2 ? 2 : 1);
      return;
    }
    logger.warn({ pid: worker.process.pid, code, signal }, "worker exited; starting a replacement");
    fork();
  });

  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => stop(0));
  for (let i = 0; i < workers; i++) fork();
}

if (cluster.isPrimary) {
  try {
    await runPrimary();
  } catch (e) {
    console.error(`cannot start: ${(e as Error).message}`);
    // A store whose mode cannot be fixed is a configuration error, as in main.ts.
    process.exit(e instanceof StoreModeError ? 2 : 1);
  }
}
