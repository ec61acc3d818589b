// What a run covered, per operation, read from the exchanges it made against what the spec documents: each
// (status, code) pair observed or not, the constraints probed, the requests sent. A triple no request can provoke
// is excluded with a reason read from the spec, so the percentage counts only what a run could observe.
import { codesOf, type Operation } from "../../contract/index.ts";
import type { Exchange } from "./client.ts";
import { CONTRACT } from "./spec.ts";

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
}

export interface Coverage {
  operations: OperationCoverage[];
  /** Documented, provokable (operation, status, code) triples, and how many of them were observed. */
  provokable: number;
  observed: number;
  percent: number;
}

/** Why a documented triple cannot be provoked from outside, as the spec lets one tell, or undefined. */
function notProvokable(op: Operation, triple: Triple): string | undefined {
  if (triple.status.startsWith("5"))
    return "a 5xx is the server's own failure: no valid or invalid request provokes it";
  if (triple.status === "429" && !op.responses["429"]?.headers?.["RateLimit-Policy"])
    return "the 429 states no limit (no RateLimit-Policy header): no number of requests is sure to reach it";
  return undefined;
}

/** Every (status, code) the spec documents for the operation: a success per 2xx, a code per error. */
function documented(op: Operation): Triple[] {
  const successes = op.statuses.filter((s) => s.startsWith("2")).map((status) => ({ status, code: "" }));
  const errors = codesOf(
    CONTRACT,
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

export function coverageOf(exchanges: readonly Exchange[]): Coverage {
  const operations = CONTRACT.operations.map((op): OperationCoverage => {
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
    };
    for (const triple of documented(op)) {
      const reason = notProvokable(op, triple);
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
    );
    const reasons = new Map<string, string[]>();
    for (const e of op.excluded) reasons.set(e.reason, [...(reasons.get(e.reason) ?? []), show(e)]);
    for (const [reason, triples] of reasons) lines.push(`    excluded:     ${triples.join(", ")} (${reason})`);
  }
  lines.push(
    `  ${coverage.observed}/${coverage.provokable} provokable (operation, status, code) triples observed: ${coverage.percent.toFixed(1)}%`,
  );
  return lines.join("\n");
}
