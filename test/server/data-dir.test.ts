// An operator's bad DATA_DIR: `npm start`'s server stops at once with one line naming the variable and the path,
// exit 2, instead of an EEXIST stack, "unable to open database file" or a mkdir loop that never ends.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { repoFiles, repoRoot } from "../../contract/index.ts";
import { titleWithSkipReason } from "../support/skip-reason.ts";

const NOBODY = 65534;

/** Whether a user other than the owner can read a file and pass through every directory above it. */
function reachableByOthers(file: string): boolean {
  if ((statSync(file).mode & 0o004) === 0) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

interface Exit {
  code: number;
  stderr: string;
}

async function startWith(dataDir: string, uid?: number): Promise<Exit> {
  const { DATABASE_URL: _unused, ...env } = process.env;
  try {
    await promisify(execFile)(process.execPath, [repoFiles.distMain], {
      cwd: repoRoot,
      env: { ...env, DATA_DIR: dataDir, PORT: "0" },
      // Bounded generously: a start that neither fails nor serves within this has hung.
      timeout: 20_000,
      uid,
    });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string; killed?: boolean };
    return { code: failed.killed ? -1 : Number(failed.code), stderr: failed.stderr ?? "" };
  }
}

function expectOneLineNaming(exit: Exit, path: string): void {
  expect(exit.code, exit.stderr).toBe(2);
  const lines = exit.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("DATA_DIR");
  expect(lines[0]).toContain(path);
}

describe("a DATA_DIR the server cannot use", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("a file (DATA_DIR=package.json)", async () => {
    expectOneLineNaming(await startWith("package.json"), "package.json");
  });

  it("a path below /proc, where a recursive mkdir never returns", async () => {
    expectOneLineNaming(await startWith("/proc/x"), "/proc/x");
  });

  // Root may write anywhere, and CI runs as root: the server runs as nobody for this one, which needs to reach the
  // Node binary and the repository (not so under scripts/with-node, whose Node lives in root's 0700 home).
  const root = userInfo().uid === 0;
  const reachable = [process.execPath, repoFiles.distMain].every(reachableByOthers);
  it.skipIf(!root || !reachable)(
    titleWithSkipReason(
      "a read-only directory, for an unprivileged user",
      !root
        ? "needs root, to run the server as nobody (uid 65534) with a directory it cannot write"
        : reachable
          ? undefined
          : `nobody (uid 65534) cannot reach ${process.execPath} or ${repoFiles.distMain}`,
    ),
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "verify-client-read-only-"));
      dirs.push(dir);
      chmodSync(dir, 0o555);
      expectOneLineNaming(await startWith(dir, NOBODY), dir);
    },
  );
});
