// `npm start` as a real process: the first-start banner, reuse on later starts, a ready line with the real URL
// and pid, and a graceful shutdown that survives the double SIGTERM of a process-group signal.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:http";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, serverNodeFlags } from "../../server-stub/repo-files.ts";
import type { RunningProcess } from "../support/processes.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";
import { spawnNpmStart, startReferenceServer } from "../support/reference-server.ts";
import { assertDistIsFresh, exchange, waitForExit } from "./harness.ts";

type Started = RunningProcess & { url: string; startedIn: number };

/** Runs `npm start` in its own process group (so a group signal reaches npm and node, as in a terminal). */
async function npmStart(store: ThrowawayStore, logLevel = "warn"): Promise<Started> {
  const began = Date.now();
  const started = await spawnNpmStart(store.env, { logLevel, keepOutput: true });
  return Object.assign(started, { url: started.ready[1], startedIn: Date.now() - began });
}

let store: ThrowawayStore;
beforeAll(async () => {
  assertDistIsFresh();
  store = await createThrowawayStore(process.env.DATABASE_URL);
});
afterAll(() => store?.dispose());

describe("npm start", () => {
  it("on an empty store prints clientId and clientSecret lines and a curl that works, then a ready line", async () => {
    const started = await npmStart(store);
    try {
      const clientId = started.lines.find((l) => l.startsWith("clientId: "))!.slice("clientId: ".length);
      const clientSecret = started.lines.find((l) => l.startsWith("clientSecret: "))!.slice("clientSecret: ".length);
      expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
      expect(clientSecret.length).toBeGreaterThanOrEqual(22);
      // The Quickstart's variables, filled in, under the product page's names.
      expect(started.lines).toContain(
        `export VERIFY_CLIENT_BASE_URL=${started.url} VERIFY_CLIENT_CLIENT_ID=${clientId} VERIFY_CLIENT_CLIENT_SECRET=${clientSecret}`,
      );
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${started.url}/healthz`);
      expect(health.status).toBe(200);
      // Measured, not asserted: on a loaded machine start-up takes what it takes (spawnUntilReady's timeout is the
      // hang guard).
      console.info(`npm start to ready line: ${started.startedIn} ms`);

      // The printed curl, run as printed.
      const curl = started.lines.find((l) => l.startsWith("curl "))!;
      expect(curl).toContain(clientId);
      const { stdout } = await promisify(execFile)("sh", ["-c", curl]);
      expect(JSON.parse(stdout)).toMatchObject({ ok: true, principal: { appId: clientId, scopes: ["cases.create"] } });
    } finally {
      process.kill(-started.pid, "SIGTERM");
      await started.exited;
    }
  });

  it("a later start reuses the demo integration, prints no secret and says how to rotate it", async () => {
    const started = await npmStart(store);
    try {
      expect(started.lines.some((l) => l.startsWith("clientSecret:"))).toBe(false);
      expect(started.lines.join("\n")).toMatch(/npm run admin -- integration rotate-secret --app-id [0-9a-f-]{36}/);
    } finally {
      process.kill(-started.pid, "SIGTERM");
      await started.exited;
    }
  });

  it("SIGTERM to the process group (twice) lets an in-flight request finish and exits 0 within 10 s", async () => {
    const started = await npmStart(store, "info");
    const url = new URL(`${started.url}/v1/microapps/system-tokens`);
    // A request whose body is still arriving when the signals land.
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = request(url, { method: "POST", headers: { "Content-Type": "application/json" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      });
      req.on("error", reject);
      req.write('{"clientId":"00000000-0000-4000-8000-000000000000",');
      setTimeout(() => {
        process.kill(-started.pid, "SIGTERM");
        setTimeout(() => process.kill(-started.pid, "SIGTERM"), 50);
        setTimeout(() => req.end('"clientSecret":"x","scopes":["cases.create"]}'), 300);
      }, 100);
    });
    const signalledAt = Date.now() + 100;
    expect(await inFlight).toBe(401);
    const { code, signal } = await started.exited;
    expect(code === 0 || signal === "SIGTERM").toBe(true);
    const serverGoneAt = await waitForExit(started.pid, 10_000);
    expect(serverGoneAt - signalledAt).toBeLessThan(10_000);
    await started.outputEnded;
    // The server itself went through its graceful path once.
    const log = started.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    expect(
      log.filter((l) => l.msg === "shutting down"),
      started.lines.join("\n"),
    ).toHaveLength(1);
    expect(log.some((l) => l.msg === "stopped")).toBe(true);
    // New connections are refused once it has stopped.
    await expect(fetch(`${started.url}/healthz`)).rejects.toThrow();
  });
});

describe("the Node flags of the server process", () => {
  it("npm start, npm run cluster and startReferenceServer({ inProcess: false }) run node with the same flags", () => {
    const scripts = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).scripts;
    expect(scripts.start).toBe(`node ${serverNodeFlags.join(" ")} dist/server-stub/main.js`);
    expect(scripts.cluster).toBe(`node ${serverNodeFlags.join(" ")} dist/server-stub/cluster.js`);
  });

  it("a server started as a process runs with them (its /proc command line)", async () => {
    const server = await startReferenceServer({ inProcess: false });
    try {
      const commandLine = readFileSync(`/proc/${server.pid}/cmdline`, "utf8").split("\0");
      expect(commandLine).toEqual(expect.arrayContaining(serverNodeFlags));
    } finally {
      await server.close();
    }
  });
});

describe("testing.ts startReferenceServer({ inProcess: false })", () => {
  it("spawns the compiled server, parses its credentials and stops it", async () => {
    const server = await startReferenceServer({ inProcess: false });
    try {
      expect(server.pid).toEqual(expect.any(Number));
      const reply = await exchange(server, server, ["users.list"]);
      expect(reply.status).toBe(200);
      expect(reply.body.principal.orgId).toBe(server.orgId);
    } finally {
      await server.close();
    }
    expect(() => process.kill(server.pid!, 0)).toThrow();
  });
});
