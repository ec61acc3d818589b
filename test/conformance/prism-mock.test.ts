// The Prism mock (npm run mock): what the suite's stateless checks prove against it, and the README's calls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrism, type RunningPrism } from "../support/prism.ts";
import { formatReport } from "./report.ts";
import { ResponseValidator } from "./response-validator.ts";
import { runSuite } from "./runner.ts";
import { PRISM_MOCK, skippedLines } from "./targets.ts";

const validator = new ResponseValidator();
const EXAMPLE_CLIENT = { clientId: "00000000-0000-0000-0000-000000000000", clientSecret: "stored-secret" };

async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(baseUrl + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: "Bearer any", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const violations = validator.validate({
    method: "POST",
    path,
    status: res.status,
    headers: Object.fromEntries(res.headers),
    body: text,
  }).violations;
  return { status: res.status, body: JSON.parse(text), violations };
}

describe("the Prism mock", () => {
  let prism: RunningPrism;
  beforeAll(async () => {
    prism = await startPrism();
  });
  afterAll(async () => {
    await prism?.close();
  });

  it("passes the suite's stateless checks (the skipped ones and why are printed)", async () => {
    const report = await runSuite({ baseUrl: prism.baseUrl, ...EXAMPLE_CLIENT, ...PRISM_MOCK });
    console.log(`On the Prism mock, skipped:\n${skippedLines(report)}`);
    expect(report.counts.failed, formatReport(report)).toBe(0);
    expect(report.counts.passed).toBeGreaterThanOrEqual(15);
    const statefulRan = report.results.filter((r) => r.tags.includes("stateful") && r.outcome !== "skipped");
    expect(statefulRan.map((r) => r.id)).toEqual([]);
  });

  it("answers `Prefer: code=409` with the documented 409 example", async () => {
    const res = await post(prism.baseUrl, "/v1/cases", { matterRef: "MAT-2026-001" }, { Prefer: "code=409" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("duplicate_matter_ref");
    expect(res.violations).toEqual([]);
  });

  it("answers `Prefer: code=422, example=party_has_no_email` with that example", async () => {
    const res = await post(
      prism.baseUrl,
      "/v1/cases/case_opaque_id/invites",
      { partyId: "party_opaque_id" },
      { Prefer: "code=422, example=party_has_no_email" },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("party_has_no_email");
    expect(res.violations).toEqual([]);
  });

  it("answers the token exchange with the product page's example", async () => {
    const res = await post(
      prism.baseUrl,
      "/v1/microapps/system-tokens",
      { ...EXAMPLE_CLIENT, scopes: ["cases.create"] },
      {},
    );
    expect(res.status).toBe(200);
    expect(res.body.principal.identifier).toBe("case-management-system");
    expect(res.violations).toEqual([]);
  });
});

describe("the Prism mock with --dynamic", () => {
  let prism: RunningPrism;
  beforeAll(async () => {
    prism = await startPrism({ dynamic: true });
  });
  afterAll(async () => {
    await prism?.close();
  });

  it("answers with generated data that still keeps the contract", async () => {
    const res = await post(prism.baseUrl, "/v1/cases", { matterRef: "MAT-2026-001" });
    expect(res.status).toBe(201);
    expect(res.violations).toEqual([]);
  });
});
