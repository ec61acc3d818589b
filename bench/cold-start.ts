// Cold start: from spawning `npm start` (fresh store, then the same one again) to its first 200 on /healthz.
// The store is a temp DATA_DIR, or a throwaway database on the PostgreSQL server at DATABASE_URL.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { repoRoot } from "../scripts/spec-model.ts";
import { createThrowawayStore } from "../test/support/throwaway-store.ts";

async function once(storeEnv: Record<string, string>): Promise<number> {
  const started = performance.now();
  // detached: npm and node share a new process group, so one signal stops both.
  const child = spawn("npm", ["start", "--silent"], {
    cwd: repoRoot,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...storeEnv, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("npm start printed no ready line within 30 s")), 30_000);
      child.once("exit", (code) => reject(new Error(`npm start exited (${code})`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const match = /ready at (http:\/\/\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    child.stdout!.resume();
    for (let i = 0; i < 300; i++) {
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return Math.round(performance.now() - started);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("npm start never answered /healthz");
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  }
}

/** [first start on an empty store, second start on the same store], in ms. */
export async function measureColdStart(): Promise<number[]> {
  const store = await createThrowawayStore(process.env.DATABASE_URL);
  try {
    return [await once(store.env), await once(store.env)];
  } finally {
    await store.dispose();
  }
}
