// `npm run cluster -- --workers 2` (node dist/server-stub/cluster.js): one banner and ready line for all workers,
// one port, the duplicate check across workers, a killed worker replaced, SIGTERM stopping every process.
// On the throwaway store of the run: SQLite, or PostgreSQL with DATABASE_URL.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server-stub/repo-files.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";
import { assertDistIsFresh, call, tokenFor } from "./harness.ts";

let store: ThrowawayStore;
beforeAll(async () => {
  assertDistIsFresh();
  store = await createThrowawayStore(process.env.DATABASE_URL);
});
afterAll(() => store?.dispose());

/** Resolves when a line matches, with the match; rejects after `ms`. */
function waitForLine(lines: string[], onLine: Set<() => void>, pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      for (const line of lines) {
        const match = pattern.exec(line);
        if (match) {
          onLine.delete(check);
          clearTimeout(timer);
          resolve(match);
          return;
        }
      }
    };
    const timer = setTimeout(() => {
      onLine.delete(check);
      reject(new Error(`no line matching ${pattern} within ${ms} ms:\n${lines.join("\n")}`));
    }, ms);
    onLine.add(check);
    check();
  });
}

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
    const child = spawn(process.execPath, ["dist/server-stub/cluster.js", "--workers", "2"], {
      cwd: repoRoot,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...store.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.once("exit", (code) => resolve({ code, at: Date.now() })),
    );
    const lines: string[] = [];
    const onLine = new Set<() => void>();
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        for (const check of onLine) check();
      });
    }
    try {
      const [, url, primaryPid] = await waitForLine(lines, onLine, /ready at (http:\/\/\S+) \(pid (\d+)\)/, 30_000);
      expect(Number(primaryPid)).toBe(child.pid);
      const workers = (await waitForLine(lines, onLine, /^workers: (\d+), (\d+)$/, 1000)).slice(1).map(Number);
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
          Array.from({ length: 40 }, () => call(server, "POST", "/v1/cases", { token, body: { matterRef } })),
        )
      ).map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(39);

      process.kill(workers[0], "SIGKILL");
      const [, replacement] = await waitForLine(
        lines,
        onLine,
        /"pid":(\d+),"msg":"replacement worker listening"/,
        15_000,
      );
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
  });
});
