// Runs the checks against one target: fetches every token first, then runs each check in order, collecting its
// failures, every exchange it made, and every contract violation in those exchanges.
import { CheckFailure, CheckNotApplicable, type Check, type Tag } from "./check.ts";
import { checksFor } from "./checks/index.ts";
import { createConformanceClient, type Exchange } from "./client.ts";
import { CheckContext, RunState, TokenBook, type Failure, type SuiteOptions } from "./context.ts";
import { coverageOf, ruleStates, type Coverage } from "./coverage.ts";
import { ResponseValidator } from "./response-validator.ts";
import { SetupStop } from "./setup-stop.ts";
import { type SuiteSpec, suiteSpec } from "./spec.ts";

export type Outcome = "passed" | "failed" | "skipped";

export interface CheckResult {
  id: string;
  title: string;
  rule: string;
  rules: string[];
  tags: Tag[];
  outcome: Outcome;
  /** Why a check was skipped. */
  reason?: string;
  failures: Failure[];
  exchanges: Exchange[];
  durationMs: number;
}

export interface RunReport {
  runId: string;
  baseUrl: string;
  results: CheckResult[];
  /** The token exchanges made before the first check. */
  setup: Exchange[];
  /** Why no check could run: the target is unreachable or not this API, or refused the credentials (one line). */
  setupError?: string;
  requests: number;
  durationMs: number;
  counts: Record<Outcome, number>;
  coverage: Coverage;
}

export interface RunOptions extends Partial<Omit<SuiteOptions, "baseUrl" | "clientId" | "clientSecret">> {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** The bundle whose contract the target is held to: generated/openapi.yaml unless given. */
  bundle?: string;
  /** The checks to run: every check for the bundle's contract unless given. */
  checks?: Check[];
  /** A reason to skip a check on this target (the mock cannot prove it, the proxy answers it itself), or undefined. */
  skip?: (check: Check) => string | undefined;
  /** Per-request time limit. */
  timeoutMs?: number;
  /** The response validator for the bundle (one is made per contract unless given). */
  validator?: ResponseValidator;
  onResult?: (result: CheckResult) => void;
}

const validators = new WeakMap<SuiteSpec, ResponseValidator>();

function validatorFor(spec: SuiteSpec): ResponseValidator {
  let validator = validators.get(spec);
  if (!validator) validators.set(spec, (validator = new ResponseValidator(spec.contract)));
  return validator;
}

export async function runSuite(options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const suite: SuiteOptions = {
    baseUrl: options.baseUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    readOnly: options.readOnly ?? false,
    maxPages: options.maxPages ?? 50,
    slow: options.slow ?? false,
    exampleAnswers: options.exampleAnswers ?? false,
  };
  const spec = suiteSpec(options.bundle);
  const validator = options.validator ?? validatorFor(spec);
  const client = createConformanceClient({ baseUrl: suite.baseUrl, validator, timeoutMs: options.timeoutMs });

  let setupError: string | undefined;
  let tokens = new TokenBook();
  try {
    tokens = await TokenBook.fetchAll(client, suite, spec);
  } catch (error) {
    setupError = error instanceof SetupStop ? error.message : `could not fetch the tokens: ${(error as Error).message}`;
  }
  const setup = client.exchanges.slice();
  const state = new RunState(spec, client, suite, tokens);

  const results: CheckResult[] = [];
  for (const check of options.checks ?? checksFor(spec)) {
    const result = await runCheck(check, state, client.exchanges, setupError, skipReason(check, suite, options));
    results.push(result);
    // A check that could not run is not reported as it goes: the run prints the one reason instead.
    if (!setupError) options.onResult?.(result);
  }

  const counts: Record<Outcome, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.outcome] += 1;
  return {
    runId: state.runId,
    baseUrl: suite.baseUrl,
    results,
    setup,
    setupError,
    requests: client.exchanges.length,
    coverage: coverageOf(spec, client.exchanges, ruleStates(spec, results)),
    durationMs: performance.now() - started,
    counts,
  };
}

function skipReason(check: Check, suite: SuiteOptions, options: RunOptions): string | undefined {
  if (suite.readOnly && check.tags.includes("writes")) return "--read-only: this check writes";
  if (!suite.slow && check.tags.includes("slow")) return "slow: run with --slow";
  return options.skip?.(check);
}

async function runCheck(
  check: Check,
  state: RunState,
  exchanges: Exchange[],
  setupError: string | undefined,
  skip: string | undefined,
): Promise<CheckResult> {
  const { id, title, rule, rules, tags } = check;
  const base = { id, title, rule, rules, tags, exchanges: [] as Exchange[], durationMs: 0 };
  if (skip) return { ...base, outcome: "skipped", reason: skip, failures: [] };
  if (setupError) return { ...base, outcome: "failed", failures: [{ message: setupError }] };

  const started = performance.now();
  const before = exchanges.length;
  const ctx = new CheckContext(state);
  let reason: string | undefined;
  try {
    await check.run(ctx);
  } catch (error) {
    if (error instanceof CheckNotApplicable) reason = error.message;
    else if (error instanceof CheckFailure) ctx.failures.push({ message: error.message, exchange: error.exchange });
    else
      ctx.failures.push({
        message: `the check stopped: ${(error as Error).message ?? error}`,
        exchange: exchanges.at(-1),
      });
  }
  const made = exchanges.slice(before);
  // Every response is held to the contract, whatever the check itself was looking at.
  const cited = new Set(ctx.failures.map((f) => f.exchange));
  for (const exchange of made) {
    if (exchange.violations.length > 0 && !cited.has(exchange))
      ctx.failures.push({ message: "the response breaks the contract", exchange });
  }
  const outcome: Outcome = ctx.failures.length > 0 ? "failed" : reason ? "skipped" : "passed";
  return { ...base, outcome, reason, failures: ctx.failures, exchanges: made, durationMs: performance.now() - started };
}
