// The conformance suite against the reference server, in-process and as the `npm start` process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startInProcess,
  startReferenceServer,
  type InProcessServer,
  type ReferenceServer,
} from "../support/reference-server.ts";
import type { Exchange } from "./client.ts";
import { formatReport } from "./report.ts";
import { runSuite, type RunReport } from "./runner.ts";
import { assertDistIsFresh } from "../server/harness.ts";
import { skippedLines } from "./targets.ts";

const allExchanges = (report: RunReport): Exchange[] =>
  [...report.setup, ...report.results.flatMap((r) => r.exchanges)].sort((a, b) => a.seq - b.seq);

const isTokenExchange = (e: Exchange) => e.operationId === "createSystemToken";

describe.each([
  ["in-process", true, ""],
  ["in-process, through the browser prefix /api", true, "/api"],
  ["a child process (npm start's dist/server-stub/main.js)", false, ""],
])("the suite against the reference server, %s", (_name, inProcess, prefix) => {
  let server: ReferenceServer;
  let report: RunReport;
  beforeAll(async () => {
    // The child process runs the compiled dist/ (npm install and npm ci build it; else `npm run build`).
    if (!inProcess) assertDistIsFresh();
    server = await startReferenceServer({ inProcess });
    report = await runSuite({
      baseUrl: server.baseUrl + prefix,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it("passes every check", () => {
    // Checks tagged slow are skipped unless --slow (issue 15); every other check must pass.
    const slowSkipped = (r: (typeof report.results)[number]) => r.outcome === "skipped" && r.tags.includes("slow");
    expect(
      report.results.filter((r) => r.outcome !== "passed" && !slowSkipped(r)).map((r) => r.id),
      formatReport(report),
    ).toEqual([]);
  });

  it("gives every matterRef it creates the run id", () => {
    const matterRefs = allExchanges(report)
      .filter((e) => e.operationId === "createCase" && e.response?.status === 201)
      .map((e) => JSON.parse(e.request.body ?? "{}").matterRef);
    expect(matterRefs.length).toBeGreaterThan(5);
    for (const ref of matterRefs) expect(ref).toContain(report.runId);
  });

  it("fetches every token before its only two deliberate credential failures", () => {
    const exchanges = allExchanges(report).filter(isTokenExchange);
    const failures = exchanges.filter((e) => e.response?.status === 401);
    expect(failures).toHaveLength(2);
    const lastSuccess = Math.max(...exchanges.filter((e) => e.response?.status === 200).map((e) => e.seq));
    expect(lastSuccess).toBeLessThan(Math.min(...failures.map((e) => e.seq)));
  });
});

describe("--read-only against the reference server", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("skips every check that writes, writes nothing, and passes the rest", async () => {
    const report = await runSuite({
      baseUrl: server.baseUrl,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      readOnly: true,
    });
    console.log(`--read-only skips:\n${skippedLines(report)}`);
    expect(report.counts.failed, formatReport(report)).toBe(0);
    expect(report.results.filter((r) => r.tags.includes("writes")).every((r) => r.outcome === "skipped")).toBe(true);
    const writes = allExchanges(report).filter(
      (e) => e.request.method === "POST" && !isTokenExchange(e) && (e.response?.status ?? 0) < 300,
    );
    expect(writes.map((e) => e.request.url)).toEqual([]);
  });
});

describe("--max-pages against a firm too large to walk", () => {
  const maxPages = 3;
  let server: InProcessServer;
  let report: RunReport;
  beforeAll(async () => {
    server = await startInProcess();
    await server.admin.seedCases(server.orgId, 200 * maxPages + 50);
    report = await runSuite({
      baseUrl: server.baseUrl,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      maxPages,
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it("bounds every walk to --max-pages pages", () => {
    for (const result of report.results) {
      const pages = result.exchanges.filter((e) => e.operationId === "listCaseIds").length;
      // lists.walk walks each list twice; the forged-cursor check adds a few single pages.
      expect(pages, result.id).toBeLessThanOrEqual(2 * maxPages + 4);
    }
  });

  it("still passes, and says which check could not walk far enough", () => {
    expect(report.counts.failed, formatReport(report)).toBe(0);
    const created = report.results.find((r) => r.id === "lists.case-ids-created");
    expect(created?.outcome).toBe("skipped");
    expect(created?.reason).toMatch(/--max-pages/);
  });
});
