// The response validator on hand-made responses: each contract rule it holds, passing and failing.
import { describe, expect, it } from "vitest";
import { UNDOCUMENTED_FIELD } from "../support/undocumented-field.ts";
import { ResponseValidator, type ObservedResponse } from "./response-validator.ts";

const validator = new ResponseValidator();
const REQUEST_ID = "req_0192f3a4b5c6";
const json = { "content-type": "application/json; charset=utf-8", "x-request-id": REQUEST_ID };

const createdCase: ObservedResponse = {
  method: "POST",
  path: "/v1/cases",
  status: 201,
  headers: json,
  body: JSON.stringify({
    caseId: "case_1",
    status: "NotStarted",
    parties: [{ partyId: "party_1", name: "Alex Client", clientAccessStatus: "not_sent" }],
  }),
};

function errorBody(code: string, requestId = REQUEST_ID) {
  return JSON.stringify({ ok: false, error: { code, message: "m", details: [] }, requestId });
}

const rules = (observed: ObservedResponse) => validator.validate(observed).violations.map((v) => v.rule);
const messages = (observed: ObservedResponse) =>
  validator
    .validate(observed)
    .violations.map((v) => v.message)
    .join("\n");

describe("the response validator", () => {
  it("accepts a response that keeps the contract, and names its operation", () => {
    const result = validator.validate(createdCase);
    expect(result.violations).toEqual([]);
    expect(result.operation?.operationId).toBe("createCase");
  });

  it("matches paths with parameters to their operation", () => {
    expect(validator.findOperation("POST", "/v1/cases/case_1/parties")?.operationId).toBe("addParty");
    expect(validator.findOperation("GET", "/v1/cases/case_1/parties")).toBeUndefined();
  });

  it("fails an undocumented status", () => {
    expect(messages({ ...createdCase, status: 200 })).toMatch(/status 200 is not documented for createCase/);
  });

  it("fails a missing required field, naming the schema that requires it", () => {
    const body = JSON.stringify({ caseId: "case_1", parties: [] });
    expect(rules({ ...createdCase, body })).toEqual(["#/components/schemas/CaseResponse/required"]);
  });

  it("fails an undocumented field, naming it", () => {
    const body = JSON.stringify({ ...JSON.parse(createdCase.body), [UNDOCUMENTED_FIELD]: "2026-01-01" });
    expect(messages({ ...createdCase, body })).toContain(`undocumented field "${UNDOCUMENTED_FIELD}"`);
  });

  it("fails a value outside an enum in a nested, referenced schema", () => {
    const body = JSON.stringify({
      caseId: "case_1",
      status: "NotStarted",
      parties: [{ partyId: "p", name: "n", clientAccessStatus: "pending" }],
    });
    expect(rules({ ...createdCase, body })).toEqual(["#/components/schemas/ClientAccessStatus/enum"]);
  });

  it("fails a wrong or missing content type, and a body that is not JSON", () => {
    expect(messages({ ...createdCase, headers: { ...json, "content-type": "text/plain" } })).toMatch(
      /Content-Type "text\/plain"/,
    );
    const { "content-type": _ct, ...noType } = json;
    expect(messages({ ...createdCase, headers: noType })).toMatch(/Content-Type is missing/);
    expect(messages({ ...createdCase, body: "<html>" })).toMatch(/not JSON/);
  });

  it("fails a missing X-Request-Id, and one that breaks its schema", () => {
    const { "x-request-id": _id, ...noId } = json;
    expect(rules({ ...createdCase, headers: noId })).toEqual(["#/components/headers/X-Request-Id/required"]);
    expect(rules({ ...createdCase, headers: { ...json, "x-request-id": "a\u0001b" } })).toEqual([
      "#/components/headers/X-Request-Id/schema",
    ]);
  });

  it("holds error bodies to the one envelope, and requestId to the header", () => {
    const notFound = { method: "POST", path: "/v1/cases/case_9/parties", status: 404, headers: json };
    expect(validator.validate({ ...notFound, body: errorBody("case_not_found") }).violations).toEqual([]);
    expect(rules({ ...notFound, body: JSON.stringify({ error: "case_not_found" }) })).toContain(
      "#/components/schemas/Error/required",
    );
    expect(messages({ ...notFound, body: errorBody("case_not_found", "req_other") })).toMatch(
      /requestId "req_other" differs from X-Request-Id/,
    );
  });

  it('requires WWW-Authenticate: Bearer error="invalid_token" on a 401 from a bearer-secured operation only', () => {
    const unauthorized = { method: "GET", path: "/v1/microapps/api/users", status: 401, body: errorBody("no_token") };
    expect(messages({ ...unauthorized, headers: json })).toMatch(/WWW-Authenticate: Bearer error="invalid_token"/);
    expect(
      validator.validate({ ...unauthorized, headers: { ...json, "www-authenticate": 'Bearer error="invalid_token"' } })
        .violations,
    ).toEqual([]);
    const tokenExchange = {
      method: "POST",
      path: "/v1/microapps/system-tokens",
      status: 401,
      headers: json,
      body: errorBody("invalid_client"),
    };
    expect(validator.validate(tokenExchange).violations).toEqual([]);
  });

  it("requires a 403 insufficient_scope to name the operation's scope", () => {
    const forbidden = { method: "POST", path: "/v1/cases", status: 403, body: errorBody("insufficient_scope") };
    const challenge = (value: string) => ({ ...forbidden, headers: { ...json, "www-authenticate": value } });
    expect(validator.validate(challenge('Bearer error="insufficient_scope", scope="cases.create"')).violations).toEqual(
      [],
    );
    expect(messages(challenge('Bearer error="insufficient_scope", scope="users.list"'))).toMatch(
      /scope="cases.create"/,
    );
    expect(messages(challenge('Bearer error="insufficient_scope"'))).toMatch(/scope="cases.create"/);
  });

  it("requires Retry-After on a 429, as an integer", () => {
    const limited = {
      method: "POST",
      path: "/v1/microapps/system-tokens",
      status: 429,
      body: errorBody("rate_limited"),
    };
    expect(rules({ ...limited, headers: json })).toEqual(["#/components/headers/Retry-After/required"]);
    expect(validator.validate({ ...limited, headers: { ...json, "retry-after": "900" } }).violations).toEqual([]);
    expect(rules({ ...limited, headers: { ...json, "retry-after": "soon" } })).toEqual([
      "#/components/headers/Retry-After/schema",
    ]);
  });

  it("checks documented optional headers when present", () => {
    const token = {
      method: "POST",
      path: "/v1/microapps/system-tokens",
      status: 200,
      headers: { ...json, "cache-control": "no-store", ratelimit: "ten please" },
      body: JSON.stringify({
        ok: true,
        accessToken: "a.b.c",
        principal: {
          principalType: "microApp",
          tokenKind: "system",
          appId: "00000000-0000-0000-0000-000000000000",
          orgId: "org_1",
          identifier: "x",
          scopes: ["users.list"],
        },
        expiresAt: 1770000000,
      }),
    };
    expect(rules(token)).toEqual(["#/components/headers/RateLimit/schema"]);
  });

  it("fails a path that is not an operation of the contract", () => {
    expect(rules({ ...createdCase, path: "/v1/cases/case_1" })).toEqual(["#/paths"]);
  });
});
