// Prism for tests and the bench: the mock, or the validating proxy in front of `upstream`, on a free loopback port
// (mock/prism.ts says how Prism is run; `npm run mock` is its command line).
import { PRISM_BIN, prismArgs } from "../../mock/prism.ts";
import { freePort } from "./ports.ts";
import { spawnUntilReady } from "./processes.ts";

export interface RunningPrism {
  baseUrl: string;
  pid: number;
  close(): Promise<void>;
}

/** Resolves once Prism listens (or rejects with what it printed). */
export async function startPrism(options: { upstream?: string; dynamic?: boolean } = {}): Promise<RunningPrism> {
  const port = await freePort();
  const prism = await spawnUntilReady(PRISM_BIN, prismArgs({ ...options, port }), {
    name: "Prism",
    ready: /Prism is listening on (http:\/\/\S+)/,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeoutMs: 30_000,
  });
  return {
    baseUrl: prism.ready[1],
    pid: prism.pid,
    close: async () => {
      await prism.stop(5_000);
    },
  };
}
