// The SQLite store holds the token signing key: DATA_DIR is 0700 and the database files 0600 whatever the umask;
// a store left open to others is tightened when the server starts, which says so; one whose mode cannot be fixed
// stops the server with exit 2 and one line naming DATA_DIR and the path. (SQLite only: these are its files.)
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoFiles, repoRoot, serverNodeFlags } from "../../server-stub/repo-files.ts";
import { DATABASE_FILE, openStore } from "../../server-stub/store/database.ts";
import { spawnUntilReady } from "../support/processes.ts";
import { SERVER_READY } from "../support/reference-server.ts";
import { assertDistIsFresh } from "./harness.ts";

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);
const storeFiles = (dataDir: string) => ["", "-wal", "-shm"].map((suffix) => join(dataDir, DATABASE_FILE + suffix));

let parent: string;
beforeAll(() => {
  assertDistIsFresh();
  parent = mkdtempSync(join(tmpdir(), "verify-client-modes-"));
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** Runs the compiled server on `dataDir` with LOG_LEVEL=warn until it is ready; returns what it printed. */
async function startAndStop(dataDir: string): Promise<string[]> {
  const server = await spawnUntilReady(process.execPath, [...serverNodeFlags, repoFiles.distMain], {
    name: "the server",
    ready: SERVER_READY,
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn" },
  });
  await server.stop();
  return server.lines;
}

describe("the SQLite store's file modes", () => {
  it("a new store: DATA_DIR is 0700 and the database files 0600, under a umask that would give 0755 / 0644", async () => {
    const dataDir = join(parent, "new", "data");
    const previous = process.umask(0o022);
    try {
      const store = await openStore({ dataDir });
      await store.write((trx) => trx.insertInto("settings").values({ name: "mode-test", value: "x" }).execute());
      try {
        expect(modeOf(dataDir)).toBe("700");
        for (const file of storeFiles(dataDir)) expect([file, modeOf(file)]).toEqual([file, "600"]);
      } finally {
        await store.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  it("a store made open to others (0755 / 0644) is tightened when the server starts, and the server logs each path", async () => {
    const dataDir = join(parent, "old");
    const store = await openStore({ dataDir });
    await store.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, DATABASE_FILE), 0o644);
    const lines = await startAndStop(dataDir);
    expect(modeOf(dataDir)).toBe("700");
    expect(modeOf(join(dataDir, DATABASE_FILE))).toBe("600");
    const tightened = lines
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg.startsWith("tightened"))
      .map((l) => l.path);
    expect(tightened).toEqual([dataDir, join(dataDir, DATABASE_FILE)]);
    // Once tight, a later start has nothing to say.
    expect((await startAndStop(dataDir)).some((l) => l.includes("tightened"))).toBe(false);
  });

  it("a DATA_DIR whose mode cannot be fixed stops the server: exit 2 and one line naming DATA_DIR and the path", async () => {
    // procfs refuses chmod even to root (CI runs as root, so an ownership trick would not refuse anything).
    const dataDir = "/proc/self";
    const failed = await promisify(execFile)(process.execPath, [...serverNodeFlags, repoFiles.distMain], {
      cwd: repoRoot,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn" },
    }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    const output = failed!.stderr.trim().split("\n");
    expect(output).toHaveLength(1);
    // /proc/self is refused by the DATA_DIR check of the configuration (not writable) before the store's own
    // mode check (cannot be made 700) is reached; either way one line names DATA_DIR and the path.
    expect(output[0]).toMatch(
      /^(cannot start: DATA_DIR: .*\/proc\/self .*cannot be made 700|configuration error: DATA_DIR .*\/proc\/self)/,
    );
    expect(failed!.stdout).toBe("");
  });
});
