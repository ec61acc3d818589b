// `npm run mock` as a partner runs it: an invalid request gets the server's `400 invalid_request` envelope, the
// README's `Prefer:` examples still get what they ask for, and a signal to npm alone stops Prism too.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/index.ts";
import { freePort } from "../support/ports.ts";
import { spawnUntilReady, type RunningProcess } from "../support/processes.ts";

const MOCK_READY = /Prism is listening on (http:\/\/\S+)/;

async function npmRunMock(): Promise<RunningProcess & { url: string }> {
  const port = await freePort();
  const mock = await spawnUntilReady("npm", ["run", "--silent", "mock", "--", "--port", String(port)], {
    name: "npm run mock",
    ready: MOCK_READY,
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeoutMs: 30_000,
  });
  return Object.assign(mock, { url: mock.ready[1].replace(/\/$/, "") });
}

/** pid and every process below it. */
function processTree(pid: number): number[] {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  } catch {
    // ps exits 1 when there are no children.
  }
  return [pid, ...out.split(/\s+/).filter(Boolean).map(Number).flatMap(processTree)];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { Authorization: "Bearer any", "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("npm run mock", () => {
  let mock: RunningProcess & { url: string };
  beforeAll(async () => (mock = await npmRunMock()), 60_000);
  afterAll(() => mock?.stop());

  it("answers an invalid createCase body 400 invalid_request with the envelope, one detail per problem", async () => {
    const reply = await post(`${mock.url}/v1/cases`, { matterRef: "MAT-2026-001", parties: [{ name: 7 }] });
    expect(reply.status).toBe(400);
    const body = await reply.json();
    expect(body).toMatchObject({ ok: false, error: { code: "invalid_request" } });
    expect(body.error.details.length).toBeGreaterThan(0);
    expect(reply.headers.get("x-request-id")).toBe(body.requestId);
  });

  it("still answers what `Prefer: code=` asks for, as the README shows", async () => {
    const reply = await post(`${mock.url}/v1/cases`, { matterRef: "MAT-2026-001" }, { Prefer: "code=409" });
    expect(reply.status).toBe(409);
  });

  it("passes a valid request through to Prism's example", async () => {
    const reply = await post(`${mock.url}/v1/cases`, {
      matterRef: "MAT-2026-001",
      parties: [{ name: "Alex Client", email: "alex@example.com" }],
    });
    expect(reply.status).toBe(201);
  });

  it("SIGTERM to npm alone stops Prism and the front", async () => {
    const second = await npmRunMock();
    const tree = processTree(second.pid);
    expect(tree.length).toBeGreaterThan(1);
    process.kill(second.pid, "SIGTERM");
    await second.exited;
    // Bounded generously: a process still alive after this has been left behind.
    for (let waited = 0; tree.some(alive) && waited < 15_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tree.filter(alive)).toEqual([]);
    await expect(fetch(second.url)).rejects.toThrow();
  });
});
