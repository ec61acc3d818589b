// What a run covered, per operation, read from the exchanges it made against what the spec documents: each
// (status, code) pair observed or not, the constraints probed, the requests sent. A triple no request can provoke
// is excluded with a reason read from the spec, so the percentage counts only what a run could observe.
import { codesOf, rulesFor, type Operation } from "../../contract/index.ts";
import type { Exchange } from "./client.ts";
import type { SuiteSpec } from "./spec.ts";

export interface Triple {
  status: string;
  /** The error code, or "" for a success. */
  code: string;
}

export interface OperationCoverage {
  operationId: string;
  requests: number;
  observed: Triple[];
  notObserved: Triple[];
  excluded: (Triple & { reason: string })[];
  /** The probes sent (see constraints.ts), as "/body/matterRef breaks maxLength 100". */
  constraints: string[];
  /** The spec's links from this operation's answers that the run followed: "createCase.addParty". */
  linksFollowed: string[];
  /** The operation's rules (see contract/rules.ts) a check of this run named and ran. */
  rulesChecked: string[];
  /** Its other rules, each with why it was not checked here (a server test proves it, its check was skipped). */
  rulesNotChecked: { id: string; reason: string }[];
}

export interface Coverage {
  operations: OperationCoverage[];
  /** Documented, provokable (operation, status, code) triples, and how many of them were observed. */
  provokable: number;
  observed: number;
  percent: number;
}

/** What a run did about one rule: a check naming it ran, every such check was skipped, or only a server test proves it. */
export type RuleState = { ran: true } | { ran: false; reason: string };

/** The rules the run's checks name, read from the results: ran where any check naming the rule was not skipped. */
export function ruleStates(
  spec: SuiteSpec,
  results: readonly { rules: readonly string[]; outcome: string; reason?: string }[],
) {
  const states = new Map<string, RuleState>();
  for (const rule of spec.rules) {
    const naming = results.filter((r) => r.rules.includes(rule.id));
    const skipped = naming.find((r) => r.outcome === "skipped");
    if (naming.some((r) => r.outcome !== "skipped")) states.set(rule.id, { ran: true });
    else if (skipped) states.set(rule.id, { ran: false, reason: `its check was skipped: ${skipped.reason}` });
    else if (rule.checkedBy)
      states.set(rule.id, {
        ran: false,
        reason: `no request from outside can make it: ${rule.checkedBy.file} > ${rule.checkedBy.test}`,
      });
  }
  return states;
}

/**
 * Why a documented triple cannot be provoked by this run, as the spec lets one tell, or undefined: a 5xx is the
 * server's own failure; a code no rule of the operation answers has nothing behind it there (a shared response
 * lists it for other operations; a 429 with no rule has no limit behind it); a code whose rules only a server
 * test proves, or whose checks were skipped, is not provoked.
 */
function notProvokable(
  spec: SuiteSpec,
  op: Operation,
  triple: Triple,
  states: ReadonlyMap<string, RuleState>,
): string | undefined {
  if (triple.status.startsWith("5"))
    return "a 5xx is the server's own failure: no valid or invalid request provokes it";
  if (!triple.code) return undefined;
  const answering = rulesFor(spec.rules, op.operationId).filter((r) =>
    r.answers.some((a) => a.status === triple.status && a.code === triple.code),
  );
  if (answering.length === 0)
    return triple.status === "429"
      ? "no limit behind it: no rule of this operation answers it"
      : "no rule of this operation answers it: a shared response lists it for others";
  if (answering.some((r) => states.get(r.id)?.ran !== false)) return undefined;
  return answering.map((r) => `${r.id}: ${(states.get(r.id) as { reason: string }).reason}`).join("; ");
}

/** Every (status, code) the spec documents for the operation: a success per 2xx, a code per error. */
function documented(spec: SuiteSpec, op: Operation): Triple[] {
  const successes = op.statuses.filter((s) => s.startsWith("2")).map((status) => ({ status, code: "" }));
  const errors = codesOf(
    spec.contract,
    Object.entries(op.responses).filter(([s]) => Number(s) >= 400),
  ).map(({ status, code }) => ({ status, code }));
  return [...successes, ...errors];
}

function observedTriple(exchange: Exchange): Triple | undefined {
  if (!exchange.response) return undefined;
  const status = String(exchange.response.status);
  if (status.startsWith("2")) return { status, code: "" };
  try {
    const code = JSON.parse(exchange.response.body)?.error?.code;
    return { status, code: typeof code === "string" ? code : "" };
  } catch {
    return { status, code: "" };
  }
}

const key = (t: Triple) => `${t.status} ${t.code}`;

export function coverageOf(
  spec: SuiteSpec,
  exchanges: readonly Exchange[],
  states: ReadonlyMap<string, RuleState>,
): Coverage {
  const operations = spec.contract.operations.map((op): OperationCoverage => {
    const made = exchanges.filter((e) => e.operationId === op.operationId);
    const seen = new Set(made.flatMap((e) => [observedTriple(e)].filter((t) => t !== undefined)).map(key));
    const coverage: OperationCoverage = {
      operationId: op.operationId,
      requests: made.length,
      observed: [],
      notObserved: [],
      excluded: [],
      constraints: [...new Set(made.flatMap((e) => (e.probe ? [e.probe] : [])))],
      linksFollowed: [...new Set(made.flatMap((e) => (e.link ? [e.link] : [])))],
      rulesChecked: [],
      rulesNotChecked: [],
    };
    for (const rule of rulesFor(spec.rules, op.operationId)) {
      const state = states.get(rule.id);
      if (state?.ran) coverage.rulesChecked.push(rule.id);
      else coverage.rulesNotChecked.push({ id: rule.id, reason: state?.reason ?? "no check names it" });
    }
    for (const triple of documented(spec, op)) {
      const reason = notProvokable(spec, op, triple, states);
      if (reason) coverage.excluded.push({ ...triple, reason });
      else (seen.has(key(triple)) ? coverage.observed : coverage.notObserved).push(triple);
    }
    return coverage;
  });
  const provokable = operations.reduce((n, o) => n + o.observed.length + o.notObserved.length, 0);
  const observed = operations.reduce((n, o) => n + o.observed.length, 0);
  return { operations, provokable, observed, percent: provokable === 0 ? 100 : (100 * observed) / provokable };
}

const show = (t: Triple) => (t.code ? `${t.status} ${t.code}` : t.status);

/** The report's text form: one block per operation, then the total. */
export function formatCoverage(coverage: Coverage): string {
  const lines = ["Coverage (documented status and code pairs observed, per operation):"];
  for (const op of coverage.operations) {
    lines.push(
      `  ${op.operationId}: ${op.requests} requests, ${op.constraints.length} constraint probes, links followed: ${op.linksFollowed.join(", ") || "-"}`,
      `    observed:     ${op.observed.map(show).join(", ") || "-"}`,
      `    not observed: ${op.notObserved.map(show).join(", ") || "-"}`,
      `    rules checked: ${op.rulesChecked.join(", ") || "-"}`,
    );
    const unchecked = new Map<string, string[]>();
    for (const r of op.rulesNotChecked) unchecked.set(r.reason, [...(unchecked.get(r.reason) ?? []), r.id]);
    for (const [reason, ids] of unchecked) lines.push(`    rules not checked: ${ids.join(", ")} (${reason})`);
    const reasons = new Map<string, string[]>();
    for (const e of op.excluded) reasons.set(e.reason, [...(reasons.get(e.reason) ?? []), show(e)]);
    for (const [reason, triples] of reasons) lines.push(`    excluded:     ${triples.join(", ")} (${reason})`);
  }
  lines.push(
    `  ${coverage.observed}/${coverage.provokable} provokable (operation, status, code) triples observed: ${coverage.percent.toFixed(1)}%`,
  );
  return lines.join("\n");
}
