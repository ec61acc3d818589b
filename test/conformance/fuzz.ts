// Property-based runs (--fuzz N): for each operation of the contract, N valid and N invalid requests from the
// arbitraries of arbitraries.ts, path ids followed from the spec's links. Every answer must keep the contract
// (the response validator: documented status, headers, body), none may be 5xx, and no invalid request may be
// accepted. A failure is shrunk by fast-check and given back as the seed and a curl command. The whole run stops
// at its time budget and says so.
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import type { Operation } from "../../contract/index.ts";
import { invalidRequest, validRequest } from "./arbitraries.ts";
import { CheckFailure } from "./check.ts";
import { type CallResult, createConformanceClient, type Exchange } from "./client.ts";
import { CheckContext, RunState, TokenBook, type SuiteOptions } from "./context.ts";
import { toCurl } from "./curl.ts";
import { linkedTarget } from "./links.ts";
import { describeProbe, type Parts, sendParts } from "./requests.ts";
import { ResponseValidator } from "./response-validator.ts";
import { SetupStop } from "./setup-stop.ts";
import { suiteSpec } from "./spec.ts";

export interface FuzzOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  bundle?: string;
  /** Valid requests, and as many invalid ones, per operation. */
  runs: number;
  seed: number;
  /** Only operations that do not write. */
  readOnly: boolean;
  /** The whole run stops after this long. */
  budgetMs: number;
  onLine?: (line: string) => void;
}

export type Kind = "valid" | "invalid";

export interface FuzzFinding {
  operationId: string;
  kind: Kind;
  /** What was wrong with the answer to the shrunk request. */
  problem: string;
  /** The shrunk request, as curl with the secrets as environment variables. */
  curl: string;
  seed: number;
  /** How many shrinking steps led to the request. */
  shrinks: number;
}

export interface FuzzReport {
  runId: string;
  seed: number;
  findings: FuzzFinding[];
  /** Operations left out, with why (--read-only, a link that could not be followed, the time budget). */
  skipped: { operationId: string; reason: string }[];
  /** Whether the time budget ran out before every operation was fuzzed. */
  outOfTime: boolean;
  requests: number;
  setupError?: string;
}

/** Whether a --fuzz run may only read: when asked, or against anything but loopback unless writes are allowed. */
export function fuzzReadOnly(baseUrl: string, flags: { readOnly: boolean; allowWrites: boolean }): boolean {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || (ipaddr.isValid(host) && ipaddr.process(host).range() === "loopback");
  return flags.readOnly || (!loopback && !flags.allowWrites);
}

/** What is wrong with an answer, or undefined when it keeps the contract. */
function problemOf(result: CallResult, kind: Kind, broke?: string): string | undefined {
  const { status } = result;
  if (status >= 500) return `answered ${status}: no request may get a 5xx`;
  const violations = result.exchange.violations;
  if (violations.length > 0)
    return `the response breaks the contract: ${violations.map((v) => `${v.message} (${v.rule})`).join("; ")}`;
  if (kind === "invalid" && status < 400) return `a request where ${broke} was accepted with ${status}`;
  return undefined;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const spec = suiteSpec(options.bundle);
  const client = createConformanceClient({ baseUrl: options.baseUrl, validator: new ResponseValidator(spec.contract) });
  const suite: SuiteOptions = { ...options, maxPages: 1, slow: false, exampleAnswers: false };
  const report: FuzzReport = {
    runId: "",
    seed: options.seed,
    findings: [],
    skipped: [],
    outOfTime: false,
    requests: 0,
  };
  let tokens: TokenBook;
  try {
    tokens = await TokenBook.fetchAll(client, suite, spec);
  } catch (error) {
    report.setupError =
      error instanceof SetupStop ? error.message : `could not fetch the tokens: ${(error as Error).message}`;
    return report;
  }
  const state = new RunState(spec, client, suite, tokens);
  const ctx = new CheckContext(state);
  report.runId = state.runId;
  const deadline = performance.now() + options.budgetMs;

  for (const op of spec.contract.operations) {
    if (options.readOnly && op.writes) {
      report.skipped.push({ operationId: op.operationId, reason: "it writes (read-only run)" });
      continue;
    }
    let target: Awaited<ReturnType<typeof linkedTarget>>;
    try {
      target = await linkedTarget(ctx, op);
    } catch (error) {
      const exchange = error instanceof CheckFailure ? error.exchange : undefined;
      report.findings.push({
        operationId: op.operationId,
        kind: "valid",
        problem: (error as Error).message,
        curl: exchange ? toCurl(exchange.request, options.clientSecret) : "",
        seed: options.seed,
        shrinks: 0,
      });
      continue;
    }
    const auth = op.scope ? ctx.bearer() : {};
    const send = (parts: Parts) => sendParts(ctx, op, parts, auth);
    const invalid = invalidRequest(ctx.values, op, target);
    const properties: [Kind, Property | undefined][] = [
      ["valid", property(validRequest(ctx.values, op, target), send, "valid")],
      [
        "invalid",
        invalid &&
          property(
            invalid,
            ({ parts }) => send(parts),
            "invalid",
            (r) => describeProbe(r.probe),
          ),
      ],
    ];
    for (const [kind, prop] of properties) {
      if (!prop) continue;
      const left = deadline - performance.now();
      if (left <= 0) {
        report.outOfTime = true;
        report.skipped.push({ operationId: op.operationId, reason: `${kind} requests: the time budget was spent` });
        continue;
      }
      const { finding, interruptedAfter } = await check(op, kind, prop, options, left, client.exchanges);
      if (finding) report.findings.push(finding);
      if (interruptedAfter !== undefined) report.outOfTime = true;
      const stopped = interruptedAfter === undefined ? "" : ` (the time budget stopped it after ${interruptedAfter})`;
      options.onLine?.(
        `${finding ? "FAIL" : "PASS"}  fuzz.${kind}.${op.operationId}${finding ? `: ${finding.problem}` : ""}${stopped}`,
      );
    }
  }
  report.requests = client.exchanges.length;
  return report;
}

/** A property and the last failure it saw: after shrinking, the shrunk counterexample's. */
interface Property {
  prop: fc.IAsyncProperty<[never]>;
  last: { problem?: string; exchange?: Exchange };
}

function property<T>(
  arbitrary: fc.Arbitrary<T>,
  send: (value: T) => Promise<CallResult>,
  kind: Kind,
  broken?: (value: T) => string,
): Property {
  const last: Property["last"] = {};
  const prop = fc.asyncProperty(arbitrary, async (value) => {
    let problem: string | undefined;
    let exchange: Exchange | undefined;
    try {
      const result = await send(value);
      exchange = result.exchange;
      problem = problemOf(result, kind, broken?.(value));
    } catch (error) {
      problem = `no answer: ${(error as Error).message}`;
    }
    if (problem) Object.assign(last, { problem, exchange });
    return problem === undefined;
  });
  return { prop: prop as unknown as Property["prop"], last };
}

async function check(
  op: Operation,
  kind: Kind,
  { prop, last }: Property,
  options: FuzzOptions,
  timeLimitMs: number,
  exchanges: Exchange[],
): Promise<{ finding?: FuzzFinding; interruptedAfter?: number }> {
  const details = await fc.check(prop, {
    numRuns: options.runs,
    seed: options.seed,
    interruptAfterTimeLimit: Math.ceil(timeLimitMs),
    markInterruptAsFailure: false,
  });
  const interruptedAfter = details.interrupted ? details.numRuns : undefined;
  if (!details.failed) return { interruptedAfter };
  const exchange = last.exchange ?? exchanges.at(-1);
  const finding: FuzzFinding = {
    operationId: op.operationId,
    kind,
    problem: last.problem ?? String(details.errorInstance),
    curl: exchange ? toCurl(exchange.request, options.clientSecret) : "",
    seed: details.seed,
    shrinks: details.numShrinks,
  };
  return { finding, interruptedAfter };
}

/** The run's failures, each with its seed and shrunk request, and what was left out. */
export function formatFuzzReport(report: FuzzReport, runs: number): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(
      `\nFAIL fuzz.${f.kind}.${f.operationId}: ${f.problem}`,
      `  seed ${f.seed} (npm run conformance -- --fuzz ${runs} --seed ${f.seed}); shrunk in ${f.shrinks} steps to:`,
      ...f.curl.split("\n").map((line) => `  ${line}`),
    );
  }
  for (const s of report.skipped) lines.push(`SKIP  fuzz.${s.operationId}: ${s.reason}`);
  if (report.outOfTime) lines.push("stopped: the time budget was spent before every operation was fuzzed");
  lines.push(
    `\nfuzz: seed ${report.seed}, ${report.requests} requests, ${report.findings.length} failing properties (run ${report.runId})`,
  );
  return lines.join("\n");
}
