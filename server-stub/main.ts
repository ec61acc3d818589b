// `npm start`: the reference server. The only module that reads the environment. Under `npm run cluster` it
// is each worker, and the primary (cluster.ts) prints the banner and the ready line once for all of them.
import cluster from "node:cluster";
import { FirmAdmin } from "./admin/firm-admin.ts";
import { SigningKeys } from "./auth/signing-keys.ts";
import { createApp } from "./app.ts";
import { systemClock } from "./clock.ts";
import { configOrExit } from "./config.ts";
import { demoBanner, ensureDemoIntegration } from "./demo.ts";
import { UnimplementedOperations } from "./handlers/unimplemented.ts";
import { backgroundStdout, createLogger, releaseLogOutput } from "./logger.ts";
import { listen } from "./server.ts";
import { storeOptionsFrom } from "./store-options.ts";
import { openStore } from "./store/database.ts";
import { StoreModeError, TIGHTENED_MESSAGE } from "./store/file-modes.ts";

async function main(): Promise<void> {
  const config = configOrExit(process.env);
  const output = backgroundStdout();
  const logger = createLogger(config.logLevel, output);
  // Every exit lets the last log lines out within a bounded time, whoever reads them (or not).
  const exit = async (code: number) => {
    await releaseLogOutput(output);
    process.exit(code);
  };
  // A bug that escapes every handler is logged, and the process stops rather than serving in an unknown state.
  process.on("uncaughtException", (error) => {
    logger.fatal({ err: error }, "uncaught exception");
    void exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    logger.fatal({ err: reason }, "unhandled rejection");
    void exit(1);
  });
  const store = await openStore(storeOptionsFrom(config));
  for (const path of store.tightened) logger.warn({ path }, TIGHTENED_MESSAGE);
  const keys = new SigningKeys(store);
  await keys.current();
  for (const { appId, ranges } of await new FirmAdmin(store).nonCanonicalRanges()) {
    logger.warn(
      { appId, ranges },
      "allowedIpRanges not in standard text match nothing until rewritten (npm run admin -- integration update)",
    );
  }
  const demo = await ensureDemoIntegration(store);
  const app = await createApp({ config, store, keys, clock: systemClock, logger });
  const running = await listen(app, config, logger);

  if (!cluster.isWorker) {
    process.stdout.write(`${demoBanner(demo, running.url)}\n`);
    process.stdout.write(`Verify Client reference server ready at ${running.url} (pid ${process.pid})\n`);
  }

  let signals = 0;
  const shutdown = async (signal: string) => {
    // npm and node both get a process-group signal: the second one must not cut the first shutdown short.
    if (++signals > 1) return;
    logger.info({ signal }, "shutting down");
    await running.stop();
    await store.close();
    logger.info("stopped");
    await exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

try {
  await main();
} catch (e) {
  // A store open to others whose mode cannot be fixed: one line naming DATA_DIR and the path, exit 2 (configuration).
  // Operations in the spec without a handler file, and no UNIMPLEMENTED_OPERATIONS=501: each named, exit 2.
  if (e instanceof StoreModeError || e instanceof UnimplementedOperations) {
    console.error(`cannot start: ${e.message}`);
    process.exit(2);
  }
  // Startup failures (port in use, unwritable DATA_DIR...) get one line, not a stack trace.
  const error = e as NodeJS.ErrnoException;
  console.error(
    `cannot start: ${error.code === "EADDRINUSE" ? `address ${error.message.split(" ").pop()} is in use` : error.message}`,
  );
  process.exit(1);
}
