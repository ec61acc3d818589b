// SIGTERM stops the server within SHUTDOWN_TIMEOUT_MS and a small margin whatever became of its log output: a
// reader that stopped reading (the pipe fills up and stays full) or one that went away (EPIPE). Exit-time
// flushing is bounded (server-stub/logger.ts releaseLogOutput); before, pino's exit flush retried a full pipe
// without end and only SIGKILL stopped the process.
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoFiles, repoRoot, serverNodeFlags } from "../../server-stub/repo-files.ts";
import { SERVER_READY } from "../support/reference-server.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";
import { assertDistIsFresh, waitForExit } from "../server/harness.ts";

const SHUTDOWN_TIMEOUT_MS = 1000;
// A hang guard, not a measure: the quiet exit takes well under a second; before the fix it never came.
const EXIT_BOUND_MS = SHUTDOWN_TIMEOUT_MS + 9000;

let store: ThrowawayStore;
beforeAll(async () => {
  assertDistIsFresh();
  store = await createThrowawayStore(process.env.DATABASE_URL);
});
afterAll(() => store?.dispose());

/** The compiled server with its output piped to this process, which reads stdout only until the ready line. */
async function startUnread(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...serverNodeFlags, repoFiles.distMain], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...store.env,
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.resume();
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const ready = SERVER_READY.exec(text);
      if (!ready) return;
      child.stdout!.off("data", onData);
      // From here on nobody reads: what the server logs stays in the pipe.
      child.stdout!.pause();
      resolve(ready[1]);
    };
    child.stdout!.on("data", onData);
    child.once("exit", () => reject(new Error(`the server exited before its ready line:\n${text}`)));
  });
  return { child, url };
}

/** `count` logged requests, `concurrency` at a time, on keep-alive connections. */
async function flood(url: string, count: number, concurrency = 8): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          request(`${url}/healthz`, { agent }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode!));
          })
            .on("error", reject)
            .end();
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return statuses;
}

/** SIGTERM, then the time until the process is gone (bounded; SIGKILL in the end so nothing is left behind). */
async function terminate(child: ChildProcess): Promise<number> {
  const signalledAt = Date.now();
  child.kill("SIGTERM");
  try {
    return (await waitForExit(child.pid!, EXIT_BOUND_MS)) - signalledAt;
  } finally {
    child.kill("SIGKILL");
  }
}

describe("shutdown when nobody reads the logs", () => {
  it("a reader that stops reading until the pipe is full: the server keeps answering, and SIGTERM stops it", async () => {
    const { child, url } = await startUnread();
    // About 250 bytes a line: 3,000 lines are several times what the pipe and this process's buffer hold.
    const statuses = await flood(url, 3000);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const exitedAfter = await terminate(child);
    console.info(`full pipe: exit ${exitedAfter} ms after SIGTERM (SHUTDOWN_TIMEOUT_MS ${SHUTDOWN_TIMEOUT_MS})`);
  }, 60_000);

  it("a reader that went away (EPIPE): the server keeps answering, and SIGTERM stops it", async () => {
    const { child, url } = await startUnread();
    child.stdout!.destroy();
    const statuses = await flood(url, 500);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const exitedAfter = await terminate(child);
    console.info(`EPIPE: exit ${exitedAfter} ms after SIGTERM (SHUTDOWN_TIMEOUT_MS ${SHUTDOWN_TIMEOUT_MS})`);
  }, 60_000);
});
