// Cold start: from spawning `npm start` (fresh store, then the same one again) to its first 200 on /healthz.
// The store is a temp DATA_DIR, or a throwaway database on the PostgreSQL server at DATABASE_URL.
import { spawnNpmStart } from "../test/support/reference-server.ts";
import { createThrowawayStore } from "../test/support/throwaway-store.ts";

async function once(storeEnv: Record<string, string>): Promise<number> {
  const started = performance.now();
  const server = await spawnNpmStart(storeEnv, { logLevel: "warn", timeoutMs: 30_000 });
  try {
    for (let i = 0; i < 300; i++) {
      const ok = await fetch(`${server.ready[1]}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return Math.round(performance.now() - started);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("npm start never answered /healthz");
  } finally {
    await server.stop();
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
