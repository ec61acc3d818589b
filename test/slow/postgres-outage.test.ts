// npm run test:slow: PostgreSQL stopped for 10 s under a bounded stream of creates, on a cluster of this test's own
// (scripts/pg-test-server pause / resume on the same data directory and port; never the DATABASE_URL other test
// files share). During the outage every answer is 503 unavailable with Retry-After and /healthz is 503; afterwards
// the same server answers 201 again without a restart; every case acknowledged is there exactly once.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server-stub/repo-files.ts";
import { startInProcess, type InProcessServer } from "../support/reference-server.ts";
import { call, tokenFor, type Reply } from "../server/harness.ts";
import { caseBody } from "../support/request-bodies.ts";

const run = promisify(execFile);
const pgTestServer = (...args: string[]) => run(join(repoRoot, "scripts/pg-test-server"), args, { cwd: repoRoot });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const OUTAGE_MS = 10_000;
// Hang guard for the recovery, not a measure (the measured time is printed).
const RECOVERY_BOUND_MS = 60_000;

let pgdir: string;
let server: InProcessServer;
beforeAll(async () => {
  pgdir = mkdtempSync(join(tmpdir(), "pg-outage-"));
  const { stdout } = await pgTestServer("start", "--dir", pgdir);
  server = await startInProcess({ databaseUrl: stdout.trim() });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await pgTestServer("stop", pgdir).catch(() => {});
});

describe("PostgreSQL stopped for 10 s under load", () => {
  it("503 unavailable with Retry-After during the outage, /healthz 503, 201 again after it without a restart, every acknowledged case exactly once", async () => {
    const token = await tokenFor(server, server);
    const answers: { matterRef: string; reply: Reply; phase: string }[] = [];
    let phase = "before";
    let streaming = true;
    const worker = async () => {
      while (streaming) {
        const matterRef = `OUTAGE-${randomUUID()}`;
        const reply = await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef }) });
        answers.push({ matterRef, reply, phase });
        if (reply.status !== 201) await sleep(50);
      }
    };
    const workers = Array.from({ length: 2 }, worker);
    await sleep(1000);

    phase = "during";
    await pgTestServer("pause", pgdir);
    await sleep(500);
    const health = await call(server, "GET", "/healthz");
    await sleep(OUTAGE_MS - 500);
    await pgTestServer("resume", pgdir);
    phase = "after";
    const resumedAt = Date.now();
    let recoveredAfter: number | undefined;
    while (recoveredAfter === undefined && Date.now() - resumedAt < RECOVERY_BOUND_MS) {
      await sleep(100);
      if (answers.some((a) => a.phase === "after" && a.reply.status === 201)) recoveredAfter = Date.now() - resumedAt;
    }
    await sleep(500);
    streaming = false;
    await Promise.all(workers);

    const byStatus = (s: number) => answers.filter((a) => a.reply.status === s);
    console.info(
      `PostgreSQL outage of ${OUTAGE_MS} ms: ${answers.length} creates, ${byStatus(201).length} x 201, ${byStatus(503).length} x 503; 201 again ${recoveredAfter} ms after the restart`,
    );
    expect(health.status).toBe(503);
    expect(health.headers.get("retry-after")).toBe("1");
    expect(recoveredAfter).toBeDefined();
    expect([
      ...new Set(
        answers
          .filter((a) => a.reply.status !== 201 && a.reply.status !== 503)
          .map((a) => `${a.reply.status} ${a.reply.body?.error?.code}`),
      ),
    ]).toEqual([]);
    expect(byStatus(503).length).toBeGreaterThan(0);
    for (const { reply } of byStatus(503)) {
      expect(reply.body.error.code).toBe("unavailable");
      expect(reply.headers.get("retry-after")).toBe("1");
    }
    for (const { matterRef } of byStatus(201)) {
      const rows = await server.store.db
        .selectFrom("cases")
        .select("case_id")
        .where("matter_ref", "=", matterRef)
        .execute();
      expect(rows, matterRef).toHaveLength(1);
    }
  }, 180_000);
});
