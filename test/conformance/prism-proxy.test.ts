// Prism's validating proxy (npm run mock:proxy -- <url>) in front of the reference server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrism, type RunningPrism } from "../support/prism.ts";
import { UNDOCUMENTED_FIELD } from "../support/undocumented-field.ts";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";
import { startContractBreakingProxy, type ContractBreakingProxy } from "./contract-breaking-proxy.ts";
import { FAULTS } from "./faults.ts";
import { formatReport } from "./report.ts";
import { runSuite } from "./runner.ts";
import { PRISM_PROXY, skippedLines } from "./targets.ts";

/** A whole run through Prism, which adds its own validation to every request: generous on a loaded machine. */
const PROXIED_RUN_MS = 120_000;

describe("Prism's validating proxy in front of the reference server", () => {
  let server: ReferenceServer;
  let prism: RunningPrism;
  beforeAll(async () => {
    server = await startReferenceServer();
    prism = await startPrism({ upstream: server.baseUrl });
  });
  afterAll(async () => {
    await prism?.close();
    await server?.close();
  });

  it(
    "passes the suite's positive checks (the skipped ones and why are printed)",
    async () => {
      const report = await runSuite({
        baseUrl: prism.baseUrl,
        clientId: server.clientId,
        clientSecret: server.clientSecret,
        ...PRISM_PROXY,
      });
      console.log(`Through Prism's validating proxy, skipped:\n${skippedLines(report)}`);
      expect(report.counts.failed, formatReport(report)).toBe(0);
      expect(
        report.results.filter((r) => r.tags.includes("stateful") && r.outcome === "passed").length,
      ).toBeGreaterThanOrEqual(10);
    },
    PROXIED_RUN_MS,
  );
});

describe("Prism's validating proxy in front of a server that breaks the contract", () => {
  let server: ReferenceServer;
  let faulty: ContractBreakingProxy;
  let prism: RunningPrism;
  beforeAll(async () => {
    server = await startReferenceServer();
    faulty = await startContractBreakingProxy(
      server.baseUrl,
      FAULTS.find((f) => f.id === "extra-field"),
    );
    prism = await startPrism({ upstream: faulty.baseUrl });
  });
  afterAll(async () => {
    await prism?.close();
    await faulty?.close();
    await server?.close();
  });

  it("turns the violation into its own 500 naming it, which the suite reports", async () => {
    const report = await runSuite({
      baseUrl: prism.baseUrl,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      ...PRISM_PROXY,
    });
    const createCase = report.results.find((r) => r.id === "cases.create")!;
    expect(createCase.outcome).toBe("failed");
    const answer = createCase.failures[0].exchange?.response;
    expect(answer?.status).toBe(500);
    expect(answer?.body).toContain(`found '${UNDOCUMENTED_FIELD}'`);
  });
});
