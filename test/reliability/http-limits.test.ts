// Limits everywhere: what Node's HTTP parser rejects, the server's timeouts, body size (also after
// decompression), string lengths and array sizes from the spec, and the headers every answer carries.
import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract } from "../../contract/index.ts";
import { MAX_HEADER_BYTES } from "../../server-stub/server.ts";
import { call, errorCode, startTestServer, tokenFor, type Reply, type TestServer } from "../server/harness.ts";
import { requestBodySchema, resolveSchema } from "./spec-bodies.ts";
import { caseBody } from "../support/request-bodies.ts";

let server: TestServer;
let token: string;
const logLines: string[] = [];
beforeAll(async () => {
  server = await startTestServer(
    {
      HTTP_HEADERS_TIMEOUT_MS: "400",
      HTTP_REQUEST_TIMEOUT_MS: "800",
      HTTP_KEEP_ALIVE_TIMEOUT_MS: "1000",
      LOG_LEVEL: "info",
    },
    { write: (line: string) => void logLines.push(line) },
  );
  token = await tokenFor(server, server);
});
afterAll(() => server?.close());

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** From the first byte written to the server closing the connection. */
  closedAfterMs: number;
}

/** Writes raw bytes (in chunks, `gapMs` apart) and reads until the server closes the connection. */
function raw(chunks: (string | Buffer)[], gapMs = 0): Promise<RawReply> {
  const { port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (d) => received.push(d));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(received).toString("utf8");
      const [head, ...rest] = text.split("\r\n\r\n");
      const [statusLine, ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      resolve({
        status: Number(statusLine.split(" ")[1]),
        headers,
        body: rest.join("\r\n\r\n"),
        closedAfterMs: Date.now() - started,
      });
    });
    void (async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    })();
  });
}

function expectEnvelope(reply: RawReply, status: number, code: string): void {
  expect(reply.status).toBe(status);
  const body = JSON.parse(reply.body);
  expect(body).toEqual({
    ok: false,
    error: { code, message: expect.any(String), details: [] },
    requestId: reply.headers["x-request-id"],
  });
  expect(reply.headers["x-request-id"]).toMatch(/^req_[0-9a-f]{32}$/);
  expect(reply.headers["cache-control"]).toBe("no-store");
}

describe("what the HTTP parser rejects gets the envelope and X-Request-Id", () => {
  it(`request headers over ${MAX_HEADER_BYTES} bytes are 431 headers_too_large`, async () => {
    const reply = await raw([
      `GET /v1/microapps/api/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-Pad: ${"a".repeat(MAX_HEADER_BYTES)}\r\n\r\n`,
    ]);
    expectEnvelope(reply, 431, "headers_too_large");
    // A header just under the limit is fine.
    const fits = await call(server, "GET", "/v1/microapps/api/users", {
      token,
      headers: { "X-Pad": "a".repeat(MAX_HEADER_BYTES - 2048) },
    });
    expect(fits.status).toBe(200);
  });

  it("bytes that are not HTTP are 400 invalid_request", async () => {
    expectEnvelope(await raw(["HELLO THERE\r\n\r\n"]), 400, "invalid_request");
    expectEnvelope(
      await raw(["GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"]),
      400,
      "invalid_request",
    );
  });
});

describe("requests refused before the app's own checks", () => {
  it("an HTTP/1.1 request without Host is 400 invalid_request with the envelope and X-Request-Id", async () => {
    const reply = await raw(["GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"]);
    expect(reply.status).toBe(400);
    const body = JSON.parse(reply.body);
    expect(body).toMatchObject({
      ok: false,
      error: { code: "invalid_request" },
      requestId: reply.headers["x-request-id"],
    });
    expect(reply.headers["x-request-id"]).toMatch(/^req_[0-9a-f]{32}$/);
  });
});

describe("CONNECT", () => {
  it("is 405 method_not_allowed with the envelope, X-Request-Id and Allow, not a closed connection", async () => {
    const reply = await raw(["CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"]);
    expect(reply.status).toBe(405);
    expect(JSON.parse(reply.body)).toMatchObject({
      ok: false,
      error: { code: "method_not_allowed" },
      requestId: reply.headers["x-request-id"],
    });
    expect(reply.headers.allow).toMatch(/^[A-Z]+(, ?[A-Z]+)*$/);
  });
});

describe("timeouts are deliberate", () => {
  it("headers that trickle in past HTTP_HEADERS_TIMEOUT_MS are 408 request_timeout and the connection is closed", async () => {
    const reply = await raw(
      ["GET /healthz HTTP/1.1\r\n", "Host: x\r\n", "X-Slow: 1\r\n", "X-Slow: 2\r\n", "X-Slow: 3\r\n"],
      200,
    );
    expectEnvelope(reply, 408, "request_timeout");
    expect(reply.closedAfterMs).toBeGreaterThanOrEqual(400);
    expect(reply.closedAfterMs).toBeLessThan(4000);
  });

  it("a body that trickles in past HTTP_REQUEST_TIMEOUT_MS is 408 request_timeout, and the server goes on serving", async () => {
    const head = `POST /v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n`;
    const reply = await raw([head, '{"matter', 'Ref":', '"SLOW', "-1", '"'], 250);
    expectEnvelope(reply, 408, "request_timeout");
    expect(reply.closedAfterMs).toBeLessThan(5000);
    expect((await call(server, "GET", "/healthz")).status).toBe(200);
  });

  it("a slow body's 408 and every log line about it carry one request id", async () => {
    const head = `POST /v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n`;
    const reply = await raw([head, '{"matter', 'Ref":', '"SLOW', "-2", '"'], 250);
    expectEnvelope(reply, 408, "request_timeout");
    await new Promise((r) => setTimeout(r, 50));
    const about = logLines.map((l) => JSON.parse(l)).filter((e) => e.requestId === reply.headers["x-request-id"]);
    // The app's line for the request it took, and the parser's line for the 408 it answered: one id.
    expect(about.map((e) => e.msg).sort()).toEqual(["request", "request rejected by the HTTP parser"]);
  });

  it("an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS", async () => {
    const reply = await raw(["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"]);
    expect(reply.status).toBe(200);
    expect(reply.headers["keep-alive"]).toBe("timeout=1");
    // Node keeps the socket a second beyond the advertised timeout, so a client never races it.
    expect(reply.closedAfterMs).toBeGreaterThanOrEqual(900);
    // A hang guard, not a measure: about 2 s on a quiet machine (the Keep-Alive header above shows the setting).
    expect(reply.closedAfterMs).toBeLessThan(10_000);
  });
});

describe("body size", () => {
  const posts: [string, string][] = [
    ["createSystemToken", "/v1/microapps/system-tokens"],
    ["createCase", "/v1/cases"],
    ["addParty", "/v1/cases/case_x/parties"],
    ["sendInvite", "/v1/cases/case_x/invites"],
  ];

  it.each(posts)(
    "%s: a body over 100 kB is 413 payload_too_large, also when it only grows that big once decompressed",
    async (_op, path) => {
      const big = JSON.stringify({ matterRef: "x".repeat(101 * 1024) });
      const plain = await call(server, "POST", path, {
        token,
        rawBody: big,
        headers: { "Content-Type": "application/json" },
      });
      expect(plain.status).toBe(413);
      expect(errorCode(plain)).toBe("payload_too_large");
      // 10 MB of JSON in 10 kB of gzip: the limit counts what it inflates to.
      const bomb = gzipSync(JSON.stringify({ matterRef: "x".repeat(10 * 1024 * 1024) }));
      expect(bomb.length).toBeLessThan(100 * 1024);
      const res = await fetch(server.baseUrl + path, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Content-Encoding": "gzip" },
        body: bomb,
      });
      const inflated: Reply = { status: res.status, headers: res.headers, body: await res.json() };
      expect(inflated.status).toBe(413);
      expect(errorCode(inflated)).toBe("payload_too_large");
    },
  );
});

/** Every string property with a maxLength in a request body schema, found by walking the spec. */
function boundedStrings(): { operationId: string; pointer: string[]; maxLength: number }[] {
  const found: { operationId: string; pointer: string[]; maxLength: number }[] = [];
  const walk = (operationId: string, schema: any, pointer: string[]) => {
    const s = resolveSchema(schema);
    if (s?.type === "string" && typeof s.maxLength === "number")
      found.push({ operationId, pointer, maxLength: s.maxLength });
    for (const [name, property] of Object.entries<any>(s?.properties ?? {}))
      walk(operationId, property, [...pointer, name]);
    if (s?.type === "array") walk(operationId, s.items, [...pointer, "0"]);
  };
  for (const op of loadContract().operations) walk(op.operationId, requestBodySchema(op.operationId), []);
  return found;
}

const VALID_BODIES: Record<string, () => any> = {
  createSystemToken: () => ({
    clientId: "00000000-0000-4000-8000-000000000000",
    clientSecret: "s",
    scopes: ["cases.create"],
  }),
  createCase: () => ({
    matterRef: "LIMITS-1",
    matterType: "Purchase",
    propertyAddress: { line1: "1 High Street", line2: "Flat 2", city: "London", postcode: "SW1A 1AA" },
    parties: [{ name: "Alex Client", email: "alex@example.com", mobile: "+447700900123", role: "Buyer" }],
  }),
  addParty: () => ({ name: "Alex Client", email: "alex@example.com", mobile: "+447700900123", role: "Buyer" }),
  sendInvite: () => ({ partyId: "party_x" }),
};
const PATHS: Record<string, string> = {
  createSystemToken: "/v1/microapps/system-tokens",
  createCase: "/v1/cases",
  addParty: "/v1/cases/case_x/parties",
  sendInvite: "/v1/cases/case_x/invites",
};

describe("string lengths and counts come from the spec and are enforced", () => {
  it("every bounded string one character too long is 400 invalid_request naming it, and nothing is written", async () => {
    const fields = boundedStrings();
    expect(fields.length).toBeGreaterThanOrEqual(15);
    const cases = async () => (await server.store.db.selectFrom("cases").select("case_id").execute()).length;
    const before = await cases();
    for (const { operationId, pointer, maxLength } of fields) {
      const body = VALID_BODIES[operationId]();
      let parent = body;
      for (const step of pointer.slice(0, -1)) parent = parent[step];
      parent[pointer.at(-1)!] = "a".repeat(maxLength + 1);
      const reply = await call(server, "POST", PATHS[operationId], { token, body });
      const where = `/body/${pointer.join("/")}`;
      expect(reply.status, `${operationId} ${where}`).toBe(400);
      expect(errorCode(reply)).toBe("invalid_request");
      expect(
        reply.body.error.details.map((d: { path: string }) => d.path),
        `${operationId} ${where}`,
      ).toContain(where);
    }
    expect(await cases()).toBe(before);
  });

  it("more than 20 parties in a new case, more than 5 scopes, and a limit over 200 are 400 invalid_request", async () => {
    const parties = Array.from({ length: 21 }, (_, i) => ({ name: `Party ${i}` }));
    expect(
      (await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef: "LIMITS-21", parties }) })).status,
    ).toBe(400);
    const scopes = ["cases.create", "parties.manage", "invites.send", "cases.ids.list", "users.list", "cases.create"];
    expect(
      (
        await call(server, "POST", "/v1/microapps/system-tokens", {
          body: { ...VALID_BODIES.createSystemToken(), scopes },
        })
      ).status,
    ).toBe(400);
    for (const path of ["/v1/microapps/api/cases/ids", "/v1/microapps/api/users"]) {
      expect((await call(server, "GET", `${path}?limit=201`, { token })).status).toBe(400);
      expect((await call(server, "GET", `${path}?limit=200`, { token })).status).toBe(200);
    }
  });
});

describe("headers on every answer", () => {
  it("helmet's headers, Cache-Control: no-store, X-Request-Id and no X-Powered-By, on successes and on every kind of error", async () => {
    const created = await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef: "HEADERS-1" }) });
    const replies: [string, Reply][] = [
      [
        "200 token",
        await call(server, "POST", "/v1/microapps/system-tokens", {
          body: { clientId: server.clientId, clientSecret: server.clientSecret, scopes: ["users.list"] },
        }),
      ],
      ["201 case", created],
      ["200 list", await call(server, "GET", "/v1/microapps/api/users", { token })],
      ["400", await call(server, "POST", "/v1/cases", { token, body: { matterRef: "" } })],
      [
        "401 invalid_client",
        await call(server, "POST", "/v1/microapps/system-tokens", {
          body: { ...VALID_BODIES.createSystemToken(), clientSecret: "wrong" },
        }),
      ],
      ["401 no_token", await call(server, "GET", "/v1/microapps/api/users")],
      ["404 case", await call(server, "POST", "/v1/cases/case_nope/parties", { token, body: { name: "X" } })],
      ["404 path", await call(server, "GET", "/nowhere")],
      ["405", await call(server, "DELETE", "/v1/cases", { token })],
      ["409", await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef: "HEADERS-1" }) })],
      [
        "413",
        await call(server, "POST", "/v1/cases", {
          token,
          rawBody: "x".repeat(200_000),
          headers: { "Content-Type": "application/json" },
        }),
      ],
      [
        "415",
        await call(server, "POST", "/v1/cases", {
          token,
          rawBody: "matterRef=x",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        }),
      ],
      ["healthz", await call(server, "GET", "/healthz")],
    ];
    for (const [name, reply] of replies) {
      const h = reply.headers;
      expect(h.get("x-request-id"), name).toBeTruthy();
      expect(h.get("x-powered-by"), name).toBeNull();
      expect(h.get("cache-control"), name).toBe("no-store");
      expect(h.get("x-content-type-options"), name).toBe("nosniff");
      expect(h.get("x-frame-options"), name).toBe("SAMEORIGIN");
      expect(h.get("strict-transport-security"), name).toMatch(/^max-age=\d+/);
      expect(h.get("content-security-policy"), name).toContain("default-src");
      expect(h.get("referrer-policy"), name).toBe("no-referrer");
      expect(h.get("cross-origin-opener-policy"), name).toBe("same-origin");
    }
  });
});

describe("the docs page's CSP", () => {
  it("allows the page's own inline scripts by hash only, and sets base-uri, form-action and frame-ancestors", async () => {
    const res = await fetch(`${server.baseUrl}/docs`);
    const csp = res.headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(
      csp.split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives["script-src"]).not.toContain("'unsafe-inline'");
    expect(directives["script-src"].filter((v: string) => v.startsWith("'sha256-")).length).toBeGreaterThan(0);
    expect(directives["base-uri"]).toEqual(["'none'"]);
    expect(directives["form-action"]).toEqual(["'none'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
  });
});
