// The benchmark's table: each figure beside its ratio to baseline A (bare Express), to Prism and to baseline F (the
// same operation with no framework), and the targets.
export interface Measurement {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  unexpectedStatus: number;
  errors: number;
}

export interface ScaleMeasurement extends Measurement {
  size: number;
  page: "first" | "middle" | "last";
  pages: number;
}

export interface Results {
  settings: Record<string, unknown>;
  baseline: Measurement[];
  prism: Measurement[];
  /** Baseline F: the operation on node:http + better-sqlite3 alone (bench/floor-server.ts). */
  floor: Measurement[];
  reference: Measurement[];
  scale: ScaleMeasurement[];
  coldStartMs: number[];
  rssMb: number;
  totalSeconds?: number;
}

/** The throughput targets as a share of baseline A, by scenario: checked below and set against the floor. */
const TARGETS_VS_BASELINE_A = [
  ["createCase (1 party)", 0.3],
  ["listCaseIds (200)", 0.4],
  ["token exchange", 0.25],
] as const;

const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : "-");

function row(cells: (string | number)[]): string {
  const widths = [30, 8, 7, 7, 9, 7, 9, 9, 9];
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(" ");
}

export function printReport(r: Results): void {
  // Baseline A is measured at the start and at the end of the run; ratios are to the mean of the two.
  const a = {
    requestsPerSecond: Math.round(r.baseline.reduce((sum, m) => sum + m.requestsPerSecond, 0) / r.baseline.length),
  };
  const prism = (name: string) => r.prism.find((m) => m.scenario === name);
  const floor = (name: string) => r.floor.find((m) => m.scenario === name);
  console.log(`\nSettings: ${JSON.stringify(r.settings)}`);
  console.log(row(["scenario", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "x base A", "x Prism", "x floor"]));
  const line = (label: string, m: Measurement, p?: Measurement, f?: Measurement) =>
    console.log(
      row([
        label,
        m.requestsPerSecond,
        m.p50,
        m.p99,
        m.unexpectedStatus,
        m.errors,
        ratio(m.requestsPerSecond, a.requestsPerSecond),
        ratio(m.requestsPerSecond, p?.requestsPerSecond),
        ratio(m.requestsPerSecond, f?.requestsPerSecond),
      ]),
    );
  for (const m of r.baseline) line(`A: bare Express ${m.scenario.replace(/^fixed JSON /, "")}`, m);
  for (const m of r.prism) line(`Prism: ${m.scenario}`, m);
  for (const m of r.floor) line(`F: floor: ${m.scenario}`, m);
  for (const m of r.reference)
    line(m.scenario, m, prism(m.scenario), floor(m.scenario.replace(/ \[\d+ processes\]$/, "")));

  if (r.scale.length) {
    console.log("\nPage cost by table size (listCaseIds, limit 200):");
    console.log(row(["page", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "pages", ""]));
    for (const m of r.scale)
      console.log(row([m.scenario, m.requestsPerSecond, m.p50, m.p99, m.unexpectedStatus, m.errors, m.pages, ""]));
  }
  console.log(
    `\nCold start to first answer (npm start): empty store ${r.coldStartMs[0]} ms, existing store ${r.coldStartMs[1]} ms`,
  );
  console.log(`RSS of the reference server after load: ${r.rssMb} MB`);
  const [first, last] = [r.baseline[0], r.baseline[r.baseline.length - 1]];
  const drift =
    Math.abs(last.requestsPerSecond - first.requestsPerSecond) /
    Math.max(first.requestsPerSecond, last.requestsPerSecond);
  console.log(
    `Baseline A, start to end: ${first.requestsPerSecond} -> ${last.requestsPerSecond} req/s${drift > 0.15 ? " (the machine's load changed during the run: read the ratios with care)" : ""}`,
  );

  const ref = (name: string) => r.reference.find((m) => m.scenario === name)!;
  const sizes = [...new Set(r.scale.map((m) => m.size))];
  const lastAt = (size: number) => r.scale.find((m) => m.size === size && m.page === "last");
  const small = lastAt(sizes[0]);
  const large = lastAt(sizes[sizes.length - 1]);
  const checks: [string, boolean][] = [
    ...TARGETS_VS_BASELINE_A.map(([name, target]): [string, boolean] => [
      `${name.replace(/ \(.*\)$/, "")} >= ${target} x baseline A (${ratio(ref(name).requestsPerSecond, a.requestsPerSecond)})`,
      ref(name).requestsPerSecond >= target * a.requestsPerSecond,
    ]),
    [
      `createCase >= Prism's createCase (${ratio(ref("createCase (1 party)").requestsPerSecond, prism("createCase (1 party)")?.requestsPerSecond)})`,
      ref("createCase (1 party)").requestsPerSecond >= (prism("createCase (1 party)")?.requestsPerSecond ?? 0),
    ],
    [
      `listCaseIds >= 1.5 x Prism's (${ratio(ref("listCaseIds (200)").requestsPerSecond, prism("listCaseIds (200)")?.requestsPerSecond)})`,
      ref("listCaseIds (200)").requestsPerSecond >= 1.5 * (prism("listCaseIds (200)")?.requestsPerSecond ?? 0),
    ],
    [
      "zero unexpected statuses and errors in every scenario",
      r.reference.every((m) => m.unexpectedStatus === 0 && m.errors === 0),
    ],
    [
      `p99 < 50 ms in every scenario (max ${Math.max(...r.reference.map((m) => m.p99))})`,
      r.reference.every((m) => m.p99 < 50),
    ],
    [`RSS after the run < 200 MB (${r.rssMb})`, r.rssMb < 200],
    [`npm start to first answer < 2 s (${Math.max(...r.coldStartMs)} ms)`, Math.max(...r.coldStartMs) < 2000],
  ];
  if (small && large && sizes.length > 1) {
    const cost = (m: Measurement) => 1 / m.requestsPerSecond;
    checks.push([
      `last page at ${sizes[sizes.length - 1]} costs <= 1.3 x at ${sizes[0]} (${ratio(cost(large), cost(small))})`,
      cost(large) <= 1.3 * cost(small),
    ]);
  }
  // What the floor says about the targets against baseline A: a target above the floor's own ratio cannot be met by
  // any server doing this work on this machine; close under it leaves little for framework, validation and logging.
  console.log("\nThe floor (baseline F: node:http + better-sqlite3, the operation's SQL only) against baseline A:");
  for (const [name, target] of TARGETS_VS_BASELINE_A) {
    const f = floor(name);
    if (f)
      console.log(
        `  ${name}: floor ${ratio(f.requestsPerSecond, a.requestsPerSecond)} x A; the target ${target} x A is ${ratio(target * a.requestsPerSecond, f.requestsPerSecond)} x the floor`,
      );
  }
  console.log("\nTargets:");
  for (const [label, ok] of checks) console.log(`  ${ok ? "met    " : "MISSED "} ${label}`);
}
