// Junk input, property-based: for every operation, at least 1,000 generated requests (JSON of the wrong shape,
// huge numbers, unicode, nulls, arrays for objects, duplicate keys, odd content types and encodings, junk
// headers, path parameters with traversal and SQL-ish text) against the real HTTP server over keep-alive.
// Never a 5xx; always the envelope with the X-Request-Id; every answer, routed or not, valid against the spec;
// never a stack trace or an internal detail; and a rejected request leaves every table as it was. A fixed seed
// makes a failure reproducible.
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract } from "../../contract/index.ts";
import { ResponseValidator } from "../conformance/response-validator.ts";
import { call, newFirm, startTestServer, tokenFor, type TestServer } from "../server/harness.ts";
import { requestBodySchema } from "./spec-bodies.ts";
import { caseBody } from "../support/request-bodies.ts";

const SEED = 20_261_125;
const RUNS_PER_OPERATION = 1_000;

interface JunkRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

let server: TestServer;
const validator = new ResponseValidator();
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const fixtures = { token: "", otherToken: "", caseId: "", partyId: "", otherCaseId: "", cursor: "" };
const tally = new Map<string, { sent: number; statuses: Map<number, number> }>();

beforeAll(async () => {
  server = await startTestServer();
  fixtures.token = await tokenFor(server, server);
  const other = await newFirm(server, { identifier: "fuzz-other" });
  fixtures.otherToken = await tokenFor(server, other);
  const created = await call(server, "POST", "/v1/cases", {
    token: fixtures.token,
    body: {
      matterRef: "FUZZ-FIXTURE",
      parties: [{ name: "Fix Ture", email: "fix@example.com", mobile: "+447700900123" }],
    },
  });
  fixtures.caseId = created.body.caseId;
  fixtures.partyId = created.body.parties[0].partyId;
  fixtures.otherCaseId = (
    await call(server, "POST", "/v1/cases", { token: fixtures.otherToken, body: caseBody({ matterRef: "FUZZ-OTHER" }) })
  ).body.caseId;
  await call(server, "POST", "/v1/cases", { token: fixtures.token, body: caseBody({ matterRef: "FUZZ-SECOND" }) });
  fixtures.cursor = (
    await call(server, "GET", "/v1/microapps/api/cases/ids?limit=1", { token: fixtures.token })
  ).body.nextCursor;
});

afterAll(async () => {
  agent.destroy();
  await server?.close();
  const lines = [...tally].map(
    ([op, t]) =>
      `  ${op.padEnd(18)} ${t.sent} requests: ${[...t.statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s} x ${n}`)
        .join(", ")}`,
  );
  const total = [...tally.values()].reduce((n, t) => n + t.sent, 0);
  const fiveXx = [...tally.values()].reduce(
    (n, t) => n + [...t.statuses].filter(([s]) => s >= 500).reduce((m, [, c]) => m + c, 0),
    0,
  );
  console.info(`junk input (seed ${SEED}): ${total} requests, ${fiveXx} x 5xx\n${lines.join("\n")}`);
});

function send(req: JunkRequest): Promise<Answer> {
  const { port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: "127.0.0.1", port, method: req.method, path: req.path, headers: req.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

/** Rows in every table a request could write (token_failures excepted: counting failures is its job). */
async function rowCounts(): Promise<string> {
  const counts = await Promise.all(
    (
      [
        "firms",
        "users",
        "integrations",
        "cases",
        "parties",
        "invites",
        "outbox",
        "audit",
        "idempotency_keys",
        "signing_keys",
        "settings",
      ] as const
    ).map(
      async (table) =>
        `${table}=${
          (
            await server.store.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n
        }`,
    ),
  );
  return counts.join(" ");
}

// ---- generators ----

const SQLISH = [
  "' OR '1'='1",
  "1; DROP TABLE cases;--",
  '" OR ""="',
  "%' --",
  "case_x' UNION SELECT secret_hash FROM integrations--",
];
const TRAVERSAL = [
  "..",
  "../..",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f",
  "....//",
  "%00",
  "%",
  "%zz",
  "%c0%ae%c0%ae/",
  "case_x%2F..%2F",
];
const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(...SQLISH),
);

const pathSegment = fc.oneof(
  fc
    .constantFrom(
      () => fixtures.caseId,
      () => fixtures.otherCaseId,
      () => fixtures.partyId,
    )
    .map((f) => f()),
  fc.constantFrom(...TRAVERSAL, ...SQLISH.map(encodeURIComponent)),
  anyText.map(encodeURIComponent),
  printable.filter((s) => !s.includes("?") && !s.includes("#")),
  fc.integer({ min: 65, max: 300 }).map((n) => "c".repeat(n)),
);

const jsonJunk = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, 0, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, true, "", [], {}),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }),
);

/** Bodies with the operation's own property names (from the spec) and values of every wrong kind. */
function shapedBody(operationId: string): fc.Arbitrary<unknown> {
  const schema = requestBodySchema(operationId);
  const names = Object.keys(schema?.properties ?? { any: {} });
  const value = fc.oneof(
    jsonJunk,
    anyText,
    fc.array(fc.record({ name: anyText, email: anyText, clientAccessStatus: fc.constantFrom("sent") }), {
      maxLength: 3,
    }),
  );
  return fc.dictionary(
    fc.oneof(fc.constantFrom(...names, "orgId", "caseId", "status", "clientAccessStatus", "__proto__"), printable),
    value,
    { maxKeys: 6 },
  );
}

function validBody(operationId: string): fc.Arbitrary<unknown> {
  switch (operationId) {
    case "createCase":
      return fc.record({
        matterRef: fc.string({ minLength: 1, maxLength: 20 }).map((s) => `FUZZ-${s.replace(/[\u0000-\u001f]/g, "")}`),
        parties: fc.constant([{ name: "Val Id" }]),
      });
    case "addParty":
      return fc.record({
        name: fc.constantFrom("Val Id", "Ünï Cödé", "李小龍"),
        email: fc.constantFrom("v@example.com", "not-an-email"),
      });
    case "sendInvite":
      return fc.record({ partyId: fc.constant(null).map(() => fixtures.partyId), sendSms: fc.boolean() });
    case "createSystemToken":
      return fc.record({
        clientId: fc.uuid(),
        clientSecret: printable.filter((s) => s.length > 0),
        scopes: fc.constant(["cases.create"]),
      });
    default:
      return fc.constant(undefined);
  }
}

const rawBodies = fc.oneof(
  fc.constantFrom(
    '{"matterRef":"A","matterRef":"B"}',
    '{"matterRef":',
    "\uFEFF{}",
    "[".repeat(5000) + "]".repeat(5000),
    '{"a":'.repeat(2000) + "1" + "}".repeat(2000),
    '{"matterRef":1e999999}',
    '{"name":"\\ud800"}',
    "null",
    "NaN",
    "",
    " ",
    "\u0000",
  ),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
);

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "application/json; charset=latin1",
  "application/json; charset=nonsense",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/merge-patch+json",
  "application/json, text/plain",
  ";;;",
  "*/*",
];

/** `odd` one time in `oneIn`, otherwise `usual`. */
function rarely<T>(odd: fc.Arbitrary<T>, usual: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T> {
  return fc.oneof({ weight: 1, arbitrary: odd }, { weight: oneIn - 1, arbitrary: usual });
}

function junkRequest(operationId: string): fc.Arbitrary<JunkRequest> {
  const op = loadContract().operations.find((o) => o.operationId === operationId)!;
  const authorization = fc.oneof(
    { weight: 8, arbitrary: fc.constant(null).map(() => `Bearer ${fixtures.token}`) },
    { weight: 1, arbitrary: fc.constant(null).map(() => `Bearer ${fixtures.otherToken}`) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        printable.map((s) => `Bearer ${s}`),
        fc.constantFrom("", "Basic YTpi", "Bearer", "bearer  x.y.z", "Bearer eyJhbGciOiJub25lIn0.e30."),
      ),
    },
  );
  const body = fc.oneof(
    { weight: 3, arbitrary: shapedBody(operationId).map((b) => JSON.stringify(b)) },
    { weight: 2, arbitrary: validBody(operationId).map((b) => JSON.stringify(b) ?? "") },
    { weight: 2, arbitrary: jsonJunk.map((b) => JSON.stringify(b)) },
    { weight: 2, arbitrary: rawBodies },
  );
  const query = fc.oneof(
    fc.constant(""),
    fc
      .record({
        limit: fc.option(
          fc.oneof(
            fc.integer({ min: -5, max: 300 }).map(String),
            fc.constantFrom("1e3", "1.5", "", "NaN", "0x10", "99999999999999999999", "1&limit=2"),
            printable.map(encodeURIComponent),
          ),
        ),
        cursor: fc.option(
          fc.oneof(
            printable.map(encodeURIComponent),
            fc.constant(null).map(() => fixtures.cursor),
            fc.string({ maxLength: 600 }).map(encodeURIComponent),
          ),
        ),
        extra: fc.option(printable.map(encodeURIComponent)),
      })
      .map(({ limit, cursor, extra }) => {
        const parts = [
          limit !== null && `limit=${limit}`,
          cursor !== null && `cursor=${cursor}`,
          extra !== null && `${extra}=1`,
        ].filter(Boolean);
        return parts.length ? `?${parts.join("&")}` : "";
      }),
  );
  return fc
    .record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(op.method) },
        { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS") },
      ),
      prefix: fc.constantFrom("", "", "", "/api"),
      caseId: pathSegment,
      query,
      authorization,
      contentType: rarely(fc.constantFrom(...CONTENT_TYPES), fc.constant("application/json"), 3),
      encoding: rarely(
        fc.constantFrom("gzip", "deflate", "br", "identity", "x-unknown", "gzip, gzip"),
        fc.constant(null),
        6,
      ),
      gzipIt: fc.boolean(),
      idempotencyKey: rarely(
        fc.oneof(printable, fc.constant("x".repeat(300)), fc.constant("retry-1")),
        fc.constant(null),
        3,
      ),
      requestId: rarely(fc.oneof(printable, fc.constant("x".repeat(200))), fc.constant(null), 5),
      body,
    })
    .map((r) => {
      const headers: Record<string, string> = { Authorization: r.authorization };
      if (r.contentType !== null) headers["Content-Type"] = r.contentType;
      if (r.idempotencyKey !== null) headers["Idempotency-Key"] = r.idempotencyKey;
      if (r.requestId !== null) headers["X-Request-Id"] = r.requestId;
      let bytes = Buffer.from(r.body, "utf8");
      if (r.encoding !== null) {
        headers["Content-Encoding"] = r.encoding;
        if (r.encoding === "gzip" && r.gzipIt) bytes = gzipSync(bytes);
      }
      const path = r.prefix + op.path.replace("{caseId}", r.caseId) + (op.method === "GET" ? r.query : "");
      return { method: r.method, path, headers, body: r.method === "GET" && bytes.length === 0 ? undefined : bytes };
    });
}

// What must never reach a client: stack frames, source paths, SQL or driver names.
const INTERNALS =
  /\bat [\w.<>]+ \(|node_modules|\/work\/|server-stub|\.ts:\d+|SqliteError|SQLITE_|sqlite|better-sqlite|kysely|select .* from|syntax error/i;

describe("junk input", () => {
  it.each(loadContract().operations.map((op) => [op.operationId]))(
    `%s: ${RUNS_PER_OPERATION} generated requests, never a 5xx, always the envelope, nothing written when rejected`,
    async (operationId) => {
      const stats = { sent: 0, statuses: new Map<number, number>() };
      tally.set(operationId, stats);
      await fc.assert(
        fc.asyncProperty(junkRequest(operationId), async (junk) => {
          const before = await rowCounts();
          const answer = await send(junk);
          stats.sent++;
          stats.statuses.set(answer.status, (stats.statuses.get(answer.status) ?? 0) + 1);
          const shown = `${junk.method} ${junk.path} -> ${answer.status} ${answer.text.slice(0, 300)}`;
          expect(answer.status, shown).toBeLessThan(500);
          const requestId = answer.headers["x-request-id"];
          expect(requestId, shown).toEqual(expect.any(String));
          expect(answer.text, shown).not.toMatch(INTERNALS);
          // Every answer, error or not, routed or not, is one the spec documents (status, headers, body).
          const observed = {
            method: junk.method,
            path: junk.path.replace(/^\/api(?=\/)/, "").split("?")[0],
            status: answer.status,
            headers: Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, String(v)])),
            body: answer.text,
          };
          expect(validator.validate(observed).violations, shown).toEqual([]);
          if (answer.status >= 400) {
            const body = JSON.parse(answer.text);
            expect(body, shown).toEqual({
              ok: false,
              error: {
                code: expect.stringMatching(/^[a-z][a-z0-9_]*$/),
                message: expect.any(String),
                details: expect.any(Array),
              },
              requestId,
            });
            expect(await rowCounts(), shown).toBe(before);
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
      expect(stats.sent).toBeGreaterThanOrEqual(RUNS_PER_OPERATION);
    },
    120_000,
  );

  it("the server still answers normally after all of it", async () => {
    const reply = await call(server, "POST", "/v1/cases", {
      token: fixtures.token,
      body: caseBody({ matterRef: `FUZZ-AFTER-${randomUUID()}` }),
    });
    expect(reply.status).toBe(201);
  });
});
