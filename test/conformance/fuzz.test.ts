// --fuzz: property-based runs pass against the reference server, find a fault no fixed check finds (a 500 for a
// valid matterRef holding punctuation), print its seed and a shrunk curl, and find it again with the same seed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";
import { startContractBreakingProxy, type ContractBreakingProxy } from "./contract-breaking-proxy.ts";
import { FUZZ_ONLY_FAULTS } from "./faults.ts";
import { formatFuzzReport, fuzzReadOnly, runFuzz, type FuzzReport } from "./fuzz.ts";
import { formatReport } from "./report.ts";
import { runSuite } from "./runner.ts";

const RUNS = 5;
const SEED = 20261130;
/** A fuzz run of 5 is a few seconds; several times that on a loaded machine. */
const RUN_MS = 120_000;

const fuzz = (baseUrl: string, server: ReferenceServer, readOnly = false): Promise<FuzzReport> =>
  runFuzz({
    baseUrl,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    runs: RUNS,
    seed: SEED,
    readOnly,
    budgetMs: 100_000,
  });

describe("--fuzz against the reference server", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it(
    "finds nothing, fuzzing every operation",
    async () => {
      const report = await fuzz(server.baseUrl, server);
      expect(report.findings, formatFuzzReport(report, RUNS)).toEqual([]);
      expect(report.skipped).toEqual([]);
      expect(report.requests).toBeGreaterThan(12 * RUNS);
    },
    RUN_MS,
  );

  it(
    "with --read-only, leaves out every operation that writes",
    async () => {
      const report = await fuzz(server.baseUrl, server, true);
      expect(report.findings, formatFuzzReport(report, RUNS)).toEqual([]);
      expect(report.skipped.map((s) => s.operationId)).toEqual(["createCase", "addParty", "sendInvite"]);
    },
    RUN_MS,
  );
});

describe("--fuzz finds what only fuzzing finds", () => {
  const [fault] = FUZZ_ONLY_FAULTS;
  let server: ReferenceServer;
  let proxy: ContractBreakingProxy;
  beforeAll(async () => {
    server = await startReferenceServer();
    proxy = await startContractBreakingProxy(server.baseUrl, fault);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it(
    `the fixed checks pass through ${fault.id}`,
    async () => {
      const report = await runSuite({
        baseUrl: proxy.baseUrl,
        clientId: server.clientId,
        clientSecret: server.clientSecret,
      });
      const failed = report.results.filter((r) => r.outcome === "failed").map((r) => r.id);
      expect(failed, formatReport(report)).toEqual([]);
    },
    RUN_MS,
  );

  it(
    `fails on ${fault.id} with the seed and a shrunk curl, and the same seed finds it again`,
    async () => {
      const first = await fuzz(proxy.baseUrl, server);
      const again = await fuzz(proxy.baseUrl, server);
      const shown = (report: FuzzReport) =>
        report.findings.map((f) => ({ ...f, curl: f.curl.replaceAll(report.runId, "RUN") }));

      const [finding] = first.findings;
      expect(finding, formatFuzzReport(first, RUNS)).toMatchObject({
        operationId: "createCase",
        kind: "valid",
        seed: SEED,
      });
      expect(finding.problem).toContain("500");
      expect(finding.curl).toContain('-H "Authorization: Bearer $VERIFY_CLIENT_ACCESS_TOKEN"');
      expect(finding.curl).toMatch(/^curl -sS -i -X POST 'http:\/\/127\.0\.0\.1:\d+\/v1\/cases'/);
      // Shrunk: the matterRef is the run's prefix and a single punctuation mark.
      const body = JSON.parse(/--data-raw '(.*)'$/s.exec(finding.curl.replaceAll(`'\\''`, "'"))?.[1] ?? "{}");
      expect(body.matterRef).toMatch(new RegExp(`^${first.runId}-\\d+-[!-,./:-@[-^\`{-~]$`));
      expect(formatFuzzReport(first, RUNS)).toContain(`--fuzz ${RUNS} --seed ${SEED}`);
      expect(shown(again)).toEqual(shown(first));
    },
    RUN_MS,
  );
});

describe("whether --fuzz writes", () => {
  it.each([
    ["http://127.0.0.1:8081", false, false, false],
    ["http://127.0.0.2:8081", false, false, false],
    ["http://localhost:8081", false, false, false],
    ["http://[::1]:8081", false, false, false],
    ["http://127.0.0.1:8081", true, false, true],
    ["https://api.example.com", false, false, true],
    ["https://api.example.com", false, true, false],
    ["https://api.example.com", true, true, true],
  ])("%s, --read-only %s, --allow-writes %s: read-only %s", (baseUrl, readOnly, allowWrites, expected) =>
    expect(fuzzReadOnly(baseUrl, { readOnly, allowWrites })).toBe(expected),
  );
});
