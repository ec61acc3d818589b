// Child processes for the benchmark: each target runs in its own process, like a real deployment,
// so the load generator (this process) and the server never share an event loop.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { repoRoot } from "../scripts/spec-model.ts";
import { serverNodeFlags } from "../server-stub/repo-files.ts";

export interface Target {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

/** Waits for a line matching `ready`, draining the rest so the child never blocks on a full pipe. */
async function waitForLine(
  child: ChildProcess,
  ready: RegExp,
  what: string,
  timeoutMs = 60_000,
): Promise<RegExpMatchArray> {
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} was not ready within ${timeoutMs} ms\n${stderr}`)),
      timeoutMs,
    );
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before it was ready\n${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = ready.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}

export async function startBaselineExpress(): Promise<Target> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/baseline-express.ts"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [, port] = await waitForLine(child, /^ready (\d+)$/, "baseline Express");
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, stop: stopper(child) };
}

export async function startPrism(): Promise<Target> {
  const port = await freePort();
  const child = spawn(
    `${repoRoot}node_modules/.bin/prism`,
    ["mock", "-h", "127.0.0.1", "-p", String(port), "generated/openapi.yaml"],
    {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  await waitForLine(child, /Prism is listening/, "Prism");
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, stop: stopper(child) };
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
  const child = spawn(
    process.execPath,
    [...serverNodeFlags, "dist/server-stub/cluster.js", "--workers", String(workers)],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env, HOST: "127.0.0.1", PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const printed: Record<string, string> = {};
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const field = /^(clientId|clientSecret): (\S+)$/.exec(line);
    if (field) printed[field[1]] = field[2];
  });
  const [, url] = await waitForLine(child, /ready at (http:\/\/\S+) \(pid \d+\)/, "npm run cluster");
  if (!printed.clientId || !printed.clientSecret)
    throw new Error("npm run cluster printed no demo credentials (the store was not fresh)");
  return {
    baseUrl: url,
    pid: child.pid!,
    clientId: printed.clientId,
    clientSecret: printed.clientSecret,
    stop: stopper(child),
  };
}

/** Baseline F (bench/floor-server.ts) on its own fresh store; returns the demo credentials it printed. */
export async function startFloor(): Promise<Target & { clientId: string; clientSecret: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/floor-server.ts"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [, port, clientId, clientSecret] = await waitForLine(child, /^ready (\d+) (\S+) (\S+)$/, "the floor server");
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, stop: stopper(child), clientId, clientSecret };
}
