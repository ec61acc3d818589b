// `npm run bench`: the reference server measured against a bare Express app (baseline A), Prism (baseline B)
// and the same operations with no framework (baseline F, the floor) in one run, with the same connections and
// duration, then at 10k and 1M cases.
// Prints a table of ratios and writes bench/results.json. Never part of `npm test`.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { resolve } from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";
import { Command } from "commander";
import { loadContract, repoRoot } from "../contract/index.ts";
import { integerOption } from "../server-stub/integer-option.ts";
import { withoutPassword } from "../server-stub/store/dialect.ts";
import { createThrowawayStore } from "../test/support/throwaway-store.ts";
import { startReferenceServer } from "../test/support/reference-server.ts";
import { measureColdStart } from "./cold-start.ts";
import { startPrism } from "../test/support/prism.ts";
import { rssMegabytes, startBaselineExpress, startCluster, startFloor } from "./targets.ts";
import { printReport, type Measurement, type Results } from "./report.ts";

const run = promisify(execFile);

const program = new Command("npm run bench --")
  .description("Benchmark the reference server against bare Express and Prism on loopback (autocannon).")
  .option("-c, --connections <n>", "concurrent connections for every scenario", integerOption(1), 20)
  .option("-d, --duration <seconds>", "seconds per scenario", integerOption(1), 10)
  .option("--page-duration <seconds>", "seconds per page measurement in the scale runs", integerOption(1), 3)
  .option("--scale <sizes>", "case counts for the page-cost runs, comma-separated ('' to skip)", "10000,1000000")
  .option("--output <file>", "where to write the JSON results", "bench/results.json")
  .option(
    "--database-url <url>",
    "PostgreSQL server to run the reference server on (a throwaway database there, dropped after; needs CREATEDB)",
  )
  .option(
    "--workers <n>",
    "also run the reference scenarios as npm run cluster with N workers (default: 2 with --database-url, else none)",
    integerOption(1),
  )
  .addHelpText(
    "after",
    "\nExamples: npm run bench -- --duration 5 --scale 10000,100000\n          npm run bench -- --database-url postgres://postgres@127.0.0.1:5432/postgres",
  );
const options = program.parse().opts<{
  connections: number;
  duration: number;
  pageDuration: number;
  scale: string;
  output: string;
  databaseUrl?: string;
  workers?: number;
}>();
// startReferenceServer (test/support/reference-server.ts), the cold start and the admin CLI all take their throwaway databases from here.
if (options.databaseUrl) process.env.DATABASE_URL = options.databaseUrl;
const store = options.databaseUrl
  ? "PostgreSQL (a throwaway database)"
  : "SQLite (fresh DATA_DIR, WAL, SQLITE_SYNCHRONOUS=NORMAL)";
const clusterWorkers = options.workers ?? (options.databaseUrl ? 2 : 0);

interface Scenario {
  name: string;
  method: "GET" | "POST";
  path: string | (() => string);
  token?: string;
  body?: () => unknown;
  /** A scenario whose every answer is meant to be non-2xx (the authenticated 403). */
  expectStatus?: number;
}

async function load(
  target: { baseUrl: string },
  scenario: Scenario,
  duration = options.duration,
): Promise<Measurement> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (scenario.token) headers.authorization = `Bearer ${scenario.token}`;
  const result = await autocannon({
    url: target.baseUrl,
    connections: options.connections,
    duration,
    requests: [
      {
        method: scenario.method,
        headers,
        setupRequest: (request) => ({
          ...request,
          path: typeof scenario.path === "function" ? scenario.path() : scenario.path,
          body: scenario.body ? JSON.stringify(scenario.body()) : undefined,
        }),
      },
    ],
  });
  const unexpected = scenario.expectStatus
    ? result.requests.total - (result.statusCodeStats?.[String(scenario.expectStatus) as "403"]?.count ?? 0)
    : result.non2xx;
  return {
    scenario: scenario.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    unexpectedStatus: Math.max(0, unexpected),
    errors: result.errors + result.timeouts,
  };
}

async function api(baseUrl: string, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The scenarios baseline F (bench/floor-server.ts) answers. */
const FLOOR_SCENARIOS = ["token exchange", "createCase (1 party)", "listCaseIds (200)"];
const ALL_SCOPES = [...loadContract().scopeNames];
let counter = 0;
const runId = Date.now().toString(36);

function scenarios(
  credentials: { clientId: string; clientSecret: string },
  tokens: { all: string; usersOnly: string },
  caseIds: string[],
): Scenario[] {
  return [
    {
      name: "token exchange",
      method: "POST",
      path: "/v1/microapps/system-tokens",
      body: () => ({ ...credentials, scopes: ["cases.create"], expiresInSeconds: 3600 }),
    },
    {
      name: "createCase (1 party)",
      method: "POST",
      path: "/v1/cases",
      token: tokens.all,
      body: () => ({
        matterRef: `BENCH-${runId}-${++counter}`,
        matterType: "Purchase",
        parties: [{ name: "Alex Client", email: "alex@example.com", role: "Buyer" }],
      }),
    },
    {
      name: "addParty",
      method: "POST",
      path: () => `/v1/cases/${caseIds[++counter % caseIds.length]}/parties`,
      token: tokens.all,
      body: () => ({ name: "Jordan Client", email: "jordan@example.com", role: "Seller" }),
    },
    { name: "listCaseIds (200)", method: "GET", path: "/v1/microapps/api/cases/ids?limit=200", token: tokens.all },
    { name: "listUsers", method: "GET", path: "/v1/microapps/api/users", token: tokens.all },
    {
      name: "403 insufficient_scope",
      method: "POST",
      path: "/v1/cases",
      token: tokens.usersOnly,
      body: () => ({ matterRef: "BENCH-403" }),
      expectStatus: 403,
    },
  ];
}

async function admin(storeEnv: Record<string, string>, args: string[]): Promise<any> {
  const { stdout } = await run(process.execPath, ["dist/server-stub/admin/cli.js", ...args, "--json"], {
    cwd: repoRoot,
    env: { ...process.env, ...storeEnv },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim() ? JSON.parse(stdout) : null;
}

/**
 * Every reference scenario against `target`, in order (addParty uses the cases the earlier ones created);
 * `before` runs just before each one (Prism's and the floor's run of the same scenario).
 */
async function referenceScenarios(
  target: { baseUrl: string },
  credentials: { clientId: string; clientSecret: string },
  label = "",
  before: (scenario: string) => Promise<void> = async () => {},
): Promise<Measurement[]> {
  const exchange = async (scopes: string[]) =>
    (
      await api(target.baseUrl, "POST", "/v1/microapps/system-tokens", undefined, {
        ...credentials,
        scopes,
        expiresInSeconds: 3600,
      })
    ).accessToken as string;
  const tokens = { all: await exchange(ALL_SCOPES), usersOnly: await exchange(["users.list"]) };
  const caseIds: string[] = [];
  const measured: Measurement[] = [];
  for (const s of scenarios(credentials, tokens, caseIds)) {
    if (s.name === "addParty")
      caseIds.push(...(await api(target.baseUrl, "GET", "/v1/microapps/api/cases/ids?limit=200", tokens.all)).items);
    await before(s.name);
    console.error(`  ${s.name}${label}`);
    measured.push({ ...(await load(target, s)), scenario: `${s.name}${label}` });
  }
  return measured;
}

/** Walks every page once, returning the cursors of the first, middle and last pages. */
async function pageCursors(
  baseUrl: string,
  token: string,
): Promise<{ pages: number; first: string; middle: string; last: string }> {
  const cursors: string[] = [""];
  for (let i = 0; i < 100_000; i++) {
    const page = await api(
      baseUrl,
      "GET",
      `/v1/microapps/api/cases/ids?limit=200${cursors[i] ? `&cursor=${cursors[i]}` : ""}`,
      token,
    );
    if (page.nextCursor === null) break;
    cursors.push(page.nextCursor);
  }
  const q = (c: string) => `/v1/microapps/api/cases/ids?limit=200${c ? `&cursor=${c}` : ""}`;
  return {
    pages: cursors.length,
    first: q(cursors[0]),
    middle: q(cursors[Math.floor(cursors.length / 2)]),
    last: q(cursors[cursors.length - 1]),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: Results = {
    settings: {
      ...options,
      databaseUrl: options.databaseUrl && withoutPassword(options.databaseUrl),
      workers: clusterWorkers,
      server: `npm start's compiled server, LOG_LEVEL=info (one log line per request to stdout), request and response validation on, ${store}`,
      node: process.version,
      cpus: availableParallelism(),
      // The load generator shares the machine with the servers, and with anything else running on it.
      loadAverageAtStart: Number(loadavg()[0].toFixed(2)),
      date: new Date().toISOString(),
    },
    baseline: [],
    prism: [],
    floor: [],
    reference: [],
    scale: [],
    coldStartMs: [],
    rssMb: NaN,
  };

  // Baseline A runs first and last, and each Prism scenario just before the same reference scenario: on a shared
  // machine whose load drifts, each ratio then compares figures taken close together.
  const measureBaseline = async (when: string) => {
    console.error(`baseline A: bare Express 5 (${when})`);
    const express = await startBaselineExpress();
    try {
      results.baseline.push(
        await load(express, { name: `fixed JSON (${when})`, method: "GET", path: "/v1/microapps/api/cases/ids" }),
      );
    } finally {
      await express.stop();
    }
  };
  await measureBaseline("start");

  console.error(`reference server: npm start's compiled server, LOG_LEVEL=info, on ${store}; baseline B: Prism mock`);
  results.coldStartMs = await measureColdStart();
  const fakeTokens = { all: "prism-accepts-any-bearer", usersOnly: "prism-accepts-any-bearer" };
  const fakeCredentials = { clientId: "00000000-0000-0000-0000-000000000000", clientSecret: "stored-secret" };
  // Prism cannot tell scopes apart: no 403 scenario for it.
  const prismScenarios = new Map(
    scenarios(fakeCredentials, fakeTokens, ["case_opaque_id"])
      .filter((s) => !s.expectStatus)
      .map((s) => [s.name, s]),
  );
  const ref = await startReferenceServer({
    inProcess: false,
    env: { LOG_LEVEL: "info", TOKEN_FAILURES_PER_ADDRESS: "50" },
  });
  try {
    const prism = await startPrism();
    const floor = await startFloor();
    try {
      const floorCredentials = { clientId: floor.clientId, clientSecret: floor.clientSecret };
      const floorToken = (
        await api(floor.baseUrl, "POST", "/v1/microapps/system-tokens", undefined, {
          ...floorCredentials,
          scopes: ALL_SCOPES,
        })
      ).accessToken;
      const floorScenarios = new Map(
        scenarios(floorCredentials, { all: floorToken, usersOnly: floorToken }, [])
          .filter((s) => FLOOR_SCENARIOS.includes(s.name))
          .map((s) => [s.name, s]),
      );
      // Prism's and the floor's run of a scenario come just before the reference server's.
      const baselinesFirst = async (name: string) => {
        const scenario = prismScenarios.get(name);
        if (scenario) {
          console.error(`  Prism: ${name}`);
          results.prism.push(await load(prism, scenario));
        }
        const floorScenario = floorScenarios.get(name);
        if (floorScenario) {
          console.error(`  floor: ${name}`);
          results.floor.push(await load(floor, floorScenario));
        }
      };
      results.reference.push(
        ...(await referenceScenarios(
          ref,
          { clientId: ref.clientId, clientSecret: ref.clientSecret },
          "",
          baselinesFirst,
        )),
      );
    } finally {
      await floor.stop();
      await prism.close();
    }
    results.rssMb = rssMegabytes(ref.pid!);

    const sizes = options.scale.split(",").filter(Boolean).map(Number);
    if (sizes.length) {
      const firm = await admin(ref.storeEnv, [
        "firm",
        "create",
        "--name",
        "Bench scale firm",
        "--scopes",
        "cases.ids.list",
      ]);
      const app = await admin(ref.storeEnv, [
        "integration",
        "create",
        "--org",
        firm.orgId,
        "--identifier",
        "bench-scale",
        "--scopes",
        "cases.ids.list",
        "--allowed-ip-ranges",
        "127.0.0.0/8,::1/128",
      ]);
      const token = (
        await api(ref.baseUrl, "POST", "/v1/microapps/system-tokens", undefined, {
          clientId: app.appId,
          clientSecret: app.clientSecret,
          scopes: ["cases.ids.list"],
        })
      ).accessToken;
      let seeded = 0;
      for (const size of sizes) {
        const t0 = Date.now();
        await admin(ref.storeEnv, ["seed-cases", "--org", firm.orgId, "--count", String(size - seeded)]);
        console.error(`  seeded ${size} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        seeded = size;
        const cursors = await pageCursors(ref.baseUrl, token);
        for (const [where, path] of [
          ["first", cursors.first],
          ["middle", cursors.middle],
          ["last", cursors.last],
        ] as const) {
          const m = await load(
            ref,
            { name: `page ${where} @${size}`, method: "GET", path, token },
            options.pageDuration,
          );
          results.scale.push({ ...m, size, page: where, pages: cursors.pages });
        }
      }
    }
  } finally {
    await ref.close();
  }
  await measureBaseline("end");

  if (clusterWorkers > 0) {
    console.error(`reference server: npm run cluster -- --workers ${clusterWorkers}, LOG_LEVEL=info, on ${store}`);
    const clusterStore = await createThrowawayStore(options.databaseUrl);
    const cluster = await startCluster(clusterWorkers, {
      LOG_LEVEL: "info",
      TOKEN_FAILURES_PER_ADDRESS: "50",
      ...clusterStore.env,
    });
    try {
      const credentials = { clientId: cluster.clientId, clientSecret: cluster.clientSecret };
      results.reference.push(...(await referenceScenarios(cluster, credentials, ` [${clusterWorkers} processes]`)));
    } finally {
      await cluster.stop();
      await clusterStore.dispose();
    }
  }

  results.totalSeconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(resolve(repoRoot, options.output), JSON.stringify(results, null, 2) + "\n");
  printReport(results);
  console.log(`\nwritten to ${options.output} in ${results.totalSeconds} s`);
}

await main();
