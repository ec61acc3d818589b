// The error contract: one envelope, X-Request-Id everywhere, the status codes for bad paths, methods and bodies.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract } from "../../contract/index.ts";
import { ResponseValidator } from "../conformance/response-validator.ts";
import { call, errorCode, startTestServer, tokenFor, type TestServer } from "./harness.ts";
import { caseBody } from "../support/request-bodies.ts";

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await tokenFor(server, server);
});
afterAll(() => server?.close());

describe("errors", () => {
  it("an unknown path is 404 not_found with the envelope, under /v1, /api and elsewhere", async () => {
    // Paths are exact: no other case, no trailing slash.
    for (const path of ["/v1/nope", "/api/v1/nope", "/nope", "/v2/cases", "/V1/CASES", "/v1/cases/", "//v1//cases"]) {
      const reply = await call(server, "POST", path, { token, body: caseBody({ matterRef: "never" }) });
      expect(reply.status, path).toBe(404);
      expect(errorCode(reply)).toBe("not_found");
    }
  });

  it("a wrong method is 405 method_not_allowed with Allow", async () => {
    const reply = await call(server, "DELETE", "/v1/cases");
    expect(reply.status).toBe(405);
    expect(errorCode(reply)).toBe("method_not_allowed");
    expect(reply.headers.get("allow")).toBe("POST");
    const get = await call(server, "POST", "/api/v1/microapps/api/users");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("GET");
  });

  it("a request breaking the schema is 400 invalid_request with one detail per problem", async () => {
    const reply = await call(server, "POST", "/v1/cases", {
      token,
      body: { matterType: 5, surprise: true, parties: [{ email: "not-an-email" }] },
    });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("invalid_request");
    const details = reply.body.error.details as { path: string; message: string }[];
    for (const d of details) expect(Object.keys(d).sort()).toEqual(["message", "path"]);
    const paths = details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/body/matterRef",
        "/body/matterType",
        "/body/surprise",
        "/body/parties/0/name",
        "/body/parties/0/email",
      ]),
    );
  });

  it("malformed JSON is 400 invalid_request", async () => {
    const reply = await call(server, "POST", "/v1/cases", {
      token,
      rawBody: "{bad",
      headers: { "Content-Type": "application/json" },
    });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("invalid_request");
  });

  it("a body over 100 kB is 413 payload_too_large", async () => {
    const reply = await call(server, "POST", "/v1/cases", { token, body: { matterRef: "x".repeat(110_000) } });
    expect(reply.status).toBe(413);
    expect(errorCode(reply)).toBe("payload_too_large");
  });

  it("a body that is not JSON is 415 unsupported_media_type", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"]) {
      const reply = await call(server, "POST", "/v1/cases", {
        token,
        rawBody: "matterRef=x",
        headers: { "Content-Type": type },
      });
      expect(reply.status, type).toBe(415);
      expect(errorCode(reply)).toBe("unsupported_media_type");
    }
  });

  it("a JSON body in any charset but UTF-8 is 415 unsupported_media_type, never decoded", async () => {
    const utf7 = await call(server, "POST", "/v1/cases", {
      token,
      rawBody: "{+ACI-matterRef+ACI-:+ACI-UTF7-1+ACI-}",
      headers: { "Content-Type": "application/json; charset=utf-7" },
    });
    expect(utf7.status).toBe(415);
    expect(errorCode(utf7)).toBe("unsupported_media_type");
    for (const charset of ["utf-16le", "UTF-16", "utf-32"]) {
      const reply = await call(server, "POST", "/v1/cases", {
        token,
        rawBody: JSON.stringify({ matterRef: `CHARSET-${charset}` }),
        headers: { "Content-Type": `application/json; charset=${charset}` },
      });
      expect(reply.status, charset).toBe(415);
    }
    const utf8 = await call(server, "POST", "/v1/cases", {
      token,
      rawBody: JSON.stringify({ matterRef: "CHARSET-UTF8" }),
      headers: { "Content-Type": "application/json; charset=UTF-8" },
    });
    expect(utf8.status).toBe(201);
  });

  it("a JSON object with a key twice is 400 invalid_request naming it, and nothing is written", async () => {
    const cases = [
      ['{"matterRef":"DUPKEY-1","matterType":"Purchase","matterRef":"DUPKEY-2"}', "/body/matterRef"],
      [
        '{"matterRef":"DUPKEY-3","matterType":"Purchase","parties":[{"name":"A","name":"B","role":"Buyer"}]}',
        "/body/parties/0/name",
      ],
      ['{"matterRef":"DUPKEY-4","matterType":"Purchase","a/b~":1,"a/b~":2}', "/body/a~1b~0"],
    ];
    for (const [rawBody, path] of cases) {
      const reply = await call(server, "POST", "/v1/cases", {
        token,
        rawBody,
        headers: { "Content-Type": "application/json" },
      });
      expect(reply.status, rawBody).toBe(400);
      expect(errorCode(reply)).toBe("invalid_request");
      expect(reply.body.error.details).toEqual([{ path, message: "repeats a key of its object" }]);
    }
    // A walk of a body nested thousands deep is refused as bad input, not a 500.
    const deep = await call(server, "POST", "/v1/cases", {
      token,
      rawBody: `${"[".repeat(50_000)}${"]".repeat(50_000)}`,
      headers: { "Content-Type": "application/json" },
    });
    expect(deep.status).toBe(400);
    expect(errorCode(deep)).toBe("invalid_request");
    // Equal keys in different objects are not a repeat; nothing of the refused requests was written.
    const ok = await call(server, "POST", "/v1/cases", {
      token,
      rawBody: '{"matterRef":"DUPKEY-1","matterType":"Purchase","parties":[{"name":"A"},{"name":"B"}]}',
      headers: { "Content-Type": "application/json" },
    });
    expect(ok.status).toBe(201);
  });

  it("an unknown query parameter's name is escaped and bounded in details, within the Error schema", async () => {
    const validator = new ResponseValidator();
    for (const name of ["a\nb", "nul\u0000", "esc\u001b[2J", "x".repeat(600), "rlo\u202e"]) {
      const path = `/v1/microapps/api/users?${encodeURIComponent(name)}=1`;
      const res = await fetch(server.baseUrl + path, { headers: { Authorization: `Bearer ${token}` } });
      const body = await res.text();
      expect(res.status, name).toBe(400);
      const observed = {
        method: "GET",
        path: "/v1/microapps/api/users",
        status: res.status,
        headers: Object.fromEntries(res.headers),
        body,
      };
      expect(validator.validate(observed).violations, name).toEqual([]);
    }
  });

  it("every response carries X-Request-Id, nosniff and no X-Powered-By; a caller's request id is never used as the server's", async () => {
    for (const path of ["/healthz", "/openapi.yaml", "/llms.txt", "/llms-full.txt", "/docs", "/v1/nope"]) {
      const res = await fetch(server.baseUrl + path);
      expect(res.headers.get("x-request-id"), path).toMatch(/^req_[0-9a-f]{32}$/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
    const reply = await call(server, "GET", "/v1/microapps/api/users", {
      token,
      headers: { "X-Request-Id": "trace-42" },
    });
    // CONTRACT.md, decisions after 1.0.0: the request id is the server's own (issue 17, item 12).
    expect(reply.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("a response that breaks the spec is logged and answered 500 internal_error, without detail", async () => {
    // A user row the spec cannot describe (email format): listUsers' response fails validation.
    await server.store.db
      .insertInto("users")
      .values({
        user_id: "user_zzzz",
        org_id: server.orgId,
        name: "Broken",
        email: "not-an-email",
        role: "member",
        created_at: "",
      })
      .execute();
    try {
      const reply = await call(server, "GET", "/v1/microapps/api/users", { token });
      expect(reply.status).toBe(500);
      expect(errorCode(reply)).toBe("internal_error");
      expect(JSON.stringify(reply.body)).not.toMatch(/email|format|at |\.ts|select/i);
    } finally {
      await server.store.db.deleteFrom("users").where("user_id", "=", "user_zzzz").execute();
    }
  });

  it("every error body, whatever produced it, matches the spec's Error schema", async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const contract = loadContract();
    const validate = ajv.compile({ ...contract.schema("Error"), components: contract.doc.components });
    const replies = [
      await call(server, "GET", "/nope"),
      await call(server, "PUT", "/v1/cases"),
      await call(server, "POST", "/v1/cases"),
      await call(server, "POST", "/v1/cases", { token, body: { matterRef: 1, x: 2 } }),
      await call(server, "POST", "/v1/cases", { token, rawBody: "{", headers: { "Content-Type": "application/json" } }),
      await call(server, "POST", "/v1/cases", { token, rawBody: "a", headers: { "Content-Type": "text/plain" } }),
      await call(server, "POST", "/v1/cases", { token, body: { matterRef: "y".repeat(200_000) } }),
      await call(server, "POST", "/v1/cases/case_x/parties", { token, body: { name: "X" } }),
      await call(server, "GET", "/v1/microapps/api/cases/ids?cursor=zzzz", { token }),
      await call(server, "POST", "/v1/microapps/system-tokens", {
        body: { clientId: crypto.randomUUID(), clientSecret: "x", scopes: ["users.list"] },
      }),
    ];
    for (const reply of replies) {
      expect(validate(reply.body), `${reply.status} ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    }
  });

  it("serves the spec, llms.txt, llms-full.txt, the docs page and a health check outside the contract", async () => {
    const spec = await fetch(`${server.baseUrl}/openapi.yaml`);
    expect(await spec.text()).toContain("openapi: 3.1.0");
    const llms = await fetch(`${server.baseUrl}/llms.txt`);
    expect(llms.headers.get("content-type")).toMatch(/^text\/plain/);
    const llmsFull = await fetch(`${server.baseUrl}/llms-full.txt`);
    expect(llmsFull.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await llmsFull.text()).toContain("## Operations");
    const docs = await fetch(`${server.baseUrl}/docs`);
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    expect((await call(server, "GET", "/healthz")).status).toBe(200);
  });
});
