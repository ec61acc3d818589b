// `npm run cluster -- --workers 2` (node dist/server-stub/cluster.js): one banner and ready line for all workers,
// one port, the duplicate check across workers, a killed worker replaced, SIGTERM stopping every process.
// On the throwaway store of the run: SQLite, or PostgreSQL with DATABASE_URL.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server-stub/repo-files.ts";
import { spawnUntilReady } from "../support/processes.ts";
import { SERVER_READY } from "../support/reference-server.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";
import { assertDistIsFresh, call, tokenFor } from "./harness.ts";
import { caseBody } from "../support/request-bodies.ts";

let store: ThrowawayStore;
beforeAll(async () => {
  assertDistIsFresh();
  store = await createThrowawayStore(process.env.DATABASE_URL);
});
afterAll(() => store?.dispose());

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe("npm run cluster", () => {
  it("runs two workers on one port behind one ready line, refuses duplicates across them, replaces a killed worker, stops on SIGTERM", async () => {
    const cluster = await spawnUntilReady(process.execPath, ["dist/server-stub/cluster.js", "--workers", "2"], {
      name: "npm run cluster",
      ready: SERVER_READY,
      cwd: repoRoot,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...store.env },
      timeoutMs: 30_000,
      keepOutput: true,
    });
    const { child, lines, exited } = cluster;
    try {
      const [, url, primaryPid] = cluster.ready;
      expect(Number(primaryPid)).toBe(child.pid);
      const workers = (await cluster.waitForLine(/^workers: (\d+), (\d+)$/, 1000)).slice(1).map(Number);
      expect(new Set(workers).size).toBe(2);
      expect(lines.filter((l) => l.startsWith("clientSecret: "))).toHaveLength(1);
      const credentials = {
        clientId: lines.find((l) => l.startsWith("clientId: "))!.slice("clientId: ".length),
        clientSecret: lines.find((l) => l.startsWith("clientSecret: "))!.slice("clientSecret: ".length),
      };
      const server = { baseUrl: url };
      const token = await tokenFor(server, credentials);

      // Round-robin spreads these over both workers; the database's constraint decides.
      const matterRef = `CLUSTER-${randomUUID()}`;
      const statuses = (
        await Promise.all(
          Array.from({ length: 40 }, () => call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef }) })),
        )
      ).map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(39);

      process.kill(workers[0], "SIGKILL");
      const [, replacement] = await cluster.waitForLine(/"pid":(\d+),"msg":"replacement worker listening"/, 15_000);
      for (let i = 0; i < 10; i++)
        expect((await call(server, "GET", "/v1/microapps/api/users", { token })).status).toBe(200);

      const signalledAt = Date.now();
      child.kill("SIGTERM");
      const { code, at } = await exited;
      expect(code).toBe(0);
      expect(at - signalledAt).toBeLessThan(12_000);
      expect([workers[1], Number(replacement)].every(gone)).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    }
    // Three processes started, one killed and replaced, all stopped: the time it needs on a loaded machine.
  }, 120_000);
});
