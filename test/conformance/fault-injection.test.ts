// The suite's self-test: one fault at a time, injected by a rewriting proxy in front of a fresh reference server
// (a fresh store each time, so the suite's two deliberate credential failures never add up to the failure limit).
// The suite must pass with no fault and fail on every fault, in the checks the fault names.
import { afterAll, describe, expect, it } from "vitest";
import type { Fault } from "./contract-breaking-proxy.ts";
import { FAULTS } from "./faults.ts";
import { throughFault } from "./faulty-server.ts";
import { formatReport } from "./report.ts";
import { runSuite, type RunReport } from "./runner.ts";

function runThrough(fault: Fault | undefined): Promise<RunReport> {
  return throughFault(fault, (target) => runSuite(target));
}

/** One whole run against a fresh server: seconds alone, several times that on a loaded machine. */
const RUN_MS = 90_000;

const score: { fault: string; failed: string[] }[] = [];

describe("the suite catches a broken server", () => {
  afterAll(() => {
    const caught = score.filter((s) => s.failed.length > 0).length;
    const table = score.map(
      (s) => `  ${s.fault.padEnd(26)} ${String(s.failed.length).padStart(2)} checks failed: ${s.failed.join(", ")}`,
    );
    console.log(`fault score: ${caught}/${score.length} faults caught\n${table.join("\n")}`);
  });

  it(
    "passes through the proxy with no fault",
    async () => {
      const report = await runThrough(undefined);
      expect(report.counts.failed, formatReport(report)).toBe(0);
    },
    RUN_MS,
  );

  it("injects at least 12 faults", () => expect(FAULTS.length).toBeGreaterThanOrEqual(12));

  it.each(FAULTS.map((f) => [f.id, f] as const))(
    "catches %s",
    async (_id, fault) => {
      const report = await runThrough(fault);
      const failed = report.results.filter((r) => r.outcome === "failed").map((r) => r.id);
      score.push({ fault: fault.id, failed });
      expect(failed, `${fault.description}: these checks should have failed`).toEqual(
        expect.arrayContaining(fault.caughtBy),
      );
    },
    RUN_MS,
  );
});
