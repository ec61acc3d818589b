// The benchmark's targets besides the reference server: each runs in its own process, like a real deployment, so
// the load generator (this process) and the server never share an event loop.
import { readFileSync } from "node:fs";
import { serverNodeFlags } from "../server-stub/repo-files.ts";
import { spawnUntilReady } from "../test/support/processes.ts";
import { printedCredentials, SERVER_READY } from "../test/support/reference-server.ts";
import { repoRoot } from "../contract/repo-paths.ts";

export interface Target {
  baseUrl: string;
  pid: number;
  stop(): Promise<unknown>;
}

export async function startBaselineExpress(): Promise<Target> {
  const express = await spawnUntilReady(process.execPath, ["--import", "tsx", "bench/baseline-express.ts"], {
    name: "baseline Express",
    ready: /^ready (\d+)$/,
    cwd: repoRoot,
    timeoutMs: 60_000,
  });
  return { baseUrl: `http://127.0.0.1:${express.ready[1]}`, pid: express.pid, stop: () => express.stop() };
}

/** Resident set size of a process, in MB (Linux /proc). */
export function rssMegabytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

/** `npm run cluster -- --workers N` (its compiled script) on a fresh store; returns the demo credentials it printed. */
export async function startCluster(
  workers: number,
  env: Record<string, string>,
): Promise<Target & { clientId: string; clientSecret: string }> {
  const cluster = await spawnUntilReady(
    process.execPath,
    [...serverNodeFlags, "dist/server-stub/cluster.js", "--workers", String(workers)],
    {
      name: "npm run cluster",
      ready: SERVER_READY,
      cwd: repoRoot,
      env: { ...process.env, ...env, HOST: "127.0.0.1", PORT: "0" },
      timeoutMs: 60_000,
    },
  );
  const { clientId, clientSecret } = printedCredentials(cluster.lines);
  if (!clientId || !clientSecret) {
    await cluster.stop();
    throw new Error("npm run cluster printed no demo credentials (the store was not fresh)");
  }
  return { baseUrl: cluster.ready[1], pid: cluster.pid, clientId, clientSecret, stop: () => cluster.stop() };
}

/** Baseline F (bench/floor-server.ts) on its own fresh store; returns the demo credentials it printed. */
export async function startFloor(): Promise<Target & { clientId: string; clientSecret: string }> {
  const floor = await spawnUntilReady(process.execPath, ["--import", "tsx", "bench/floor-server.ts"], {
    name: "the floor server",
    ready: /^ready (\d+) (\S+) (\S+)$/,
    cwd: repoRoot,
    timeoutMs: 60_000,
  });
  const [, port, clientId, clientSecret] = floor.ready;
  return { baseUrl: `http://127.0.0.1:${port}`, pid: floor.pid, stop: () => floor.stop(), clientId, clientSecret };
}
