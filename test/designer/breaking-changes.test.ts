// Pair tests in the style of github/rest-api-description: for each kind of change, an old and a new document
// (./pairs.ts: one edit to fixtures/baseline.yaml each), and the exact classified changes both ways.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoFiles } from "../../contract/repo-paths.ts";
import { compareSpecs, verdict } from "../../scripts/spec-diff.ts";
import { pair } from "./pairs.ts";

type Expected = [string, string][];

function changes(kind: string, direction: "forward" | "reversed" = "forward"): Expected {
  const { before, after } = pair(kind);
  const found = direction === "forward" ? compareSpecs(before, after) : compareSpecs(after, before);
  return found.map((c) => [c.class, c.message]);
}

describe("each kind of change is classed as a designer expects", () => {
  it("a removed operation is breaking; an added one is not", () => {
    expect(changes("removed-path")).toEqual([["breaking", "removed operation GET /v1/things"]]);
    expect(changes("removed-path", "reversed")).toEqual([["non-breaking", "added operation GET /v1/things"]]);
  });

  it("a new required request field is breaking", () => {
    expect(changes("new-required-request-field")).toEqual([
      ["breaking", "added required request field size to POST /v1/things"],
    ]);
  });

  it("a new optional request field is compatible, but removing a field from a closed request body is breaking", () => {
    expect(changes("new-optional-request-field")).toEqual([
      ["non-breaking", "added optional request field size to POST /v1/things"],
    ]);
    expect(changes("new-optional-request-field", "reversed")).toEqual([
      ["breaking", "removed request field size from POST /v1/things"],
    ]);
  });

  it("a narrowed enum in a request is breaking; a widened one is not", () => {
    expect(changes("narrowed-request-enum")).toEqual([
      ["breaking", "removed enum value `green` from request field color of POST /v1/things"],
    ]);
    expect(changes("narrowed-request-enum", "reversed")).toEqual([
      ["non-breaking", "added enum value `green` to request field color of POST /v1/things"],
    ]);
  });

  it("a widened enum in a response is breaking; a narrowed one is not", () => {
    expect(changes("widened-response-enum")).toEqual([
      ["breaking", "added enum value `deleted` to response field [].status of GET /v1/things (status 200)"],
      ["breaking", "added enum value `deleted` to response field status of POST /v1/things (status 201)"],
    ]);
    expect(changes("widened-response-enum", "reversed")).toEqual([
      ["non-breaking", "removed enum value `deleted` from response field [].status of GET /v1/things (status 200)"],
      ["non-breaking", "removed enum value `deleted` from response field status of POST /v1/things (status 201)"],
    ]);
  });

  it("a response header that becomes required is a new guarantee; one that stops being required is breaking", () => {
    expect(changes("required-response-header")).toEqual([
      ["non-breaking", "made response header X-Request-Id of GET /v1/things always present (status 200)"],
    ]);
    expect(changes("required-response-header", "reversed")).toEqual([
      ["breaking", "made response header X-Request-Id of GET /v1/things optional (status 200)"],
    ]);
  });

  it("a request pattern may widen (the languages are compared) but not narrow; an undecidable change needs review", () => {
    const field = "request field name of POST /v1/things";
    expect(changes("widened-request-pattern")).toEqual([
      ["non-breaking", `changed pattern of ${field} from \`^[a-z]+$\` to \`^[a-z0-9]+$\``],
    ]);
    expect(changes("widened-request-pattern", "reversed")).toEqual([
      ["breaking", `changed pattern of ${field} from \`^[a-z0-9]+$\` to \`^[a-z]+$\``],
    ]);
    const { before, after } = pair("lookahead-request-pattern");
    expect(compareSpecs(before, after).map((c) => [c.class, c.rule])).toEqual([
      ["breaking", "needs review: the two patterns' languages could not be compared"],
    ]);
  });

  it("a changed scope is breaking both ways", () => {
    expect(changes("changed-scope")).toEqual([
      ["breaking", "changed the scope of POST /v1/things from `things.create` to `things.list`"],
    ]);
    expect(changes("changed-scope", "reversed")).toEqual([
      ["breaking", "changed the scope of POST /v1/things from `things.list` to `things.create`"],
    ]);
  });

  it("an extra scope in a requirement is breaking (api-smart-diff says non-breaking); dropping one is not", () => {
    expect(changes("extra-scope-in-requirement")).toEqual([
      ["breaking", "changed the scope of POST /v1/things from `things.create` to `things.create` and `things.list`"],
    ]);
    expect(changes("extra-scope-in-requirement", "reversed")).toEqual([
      [
        "non-breaking",
        "changed the scope of POST /v1/things from `things.create` and `things.list` to `things.create`",
      ],
    ]);
  });

  it("a scope removed from the x-scopes catalogue is breaking; a new scope is not", () => {
    expect(changes("removed-catalogue-scope")).toEqual([
      ["breaking", "removed scope `things.archive` from the scope catalogue"],
    ]);
    expect(changes("removed-catalogue-scope", "reversed")).toEqual([
      ["non-breaking", 'added scope `things.archive` ("Archive things") to the scope catalogue'],
    ]);
  });

  // A new scope as a designer adds it to the working spec: the catalogue, the Scope enum, and both scope arrays'
  // caps raised to the catalogue's size (lint: verify-scope-array-bound). principal.scopes is marked
  // x-echoes-request (it holds only scopes the caller asked for), so widening it is not breaking; unmarked, it is.
  function withNewScope(doc: any) {
    const next = structuredClone(doc);
    const { schemas } = next.components;
    schemas.Scope.enum.push("cases.archive");
    next.components.securitySchemes.systemToken["x-scopes"]["cases.archive"] = "Archive cases";
    schemas.SystemTokenRequest.properties.scopes.maxItems = schemas.Scope.enum.length;
    schemas.Principal.properties.scopes.maxItems = schemas.Scope.enum.length;
    return next;
  }
  const working = () => parse(readFileSync(join(repoFiles.generated, "openapi.yaml"), "utf8"));
  const exchange = "POST /v1/microapps/system-tokens";

  it("a new scope is not breaking, though it widens principal.scopes[], which echoes the request", () => {
    const before = working();
    expect(compareSpecs(before, withNewScope(before)).map((c) => [c.class, c.message])).toEqual([
      ["non-breaking", `changed maxItems of request field scopes of ${exchange} from 5 to 6`],
      ["non-breaking", `added enum value \`cases.archive\` to request field scopes[] of ${exchange}`],
      ["non-breaking", `changed maxItems of response field principal.scopes of ${exchange} from 5 to 6 (status 200)`],
      [
        "non-breaking",
        `added enum value \`cases.archive\` to response field principal.scopes[] of ${exchange} (status 200)`,
      ],
      ["non-breaking", 'added scope `cases.archive` ("Archive cases") to the scope catalogue'],
    ]);
  });

  it("without x-echoes-request, the same widening of a response field is breaking", () => {
    const before = working();
    delete before.components.schemas.Principal.properties.scopes["x-echoes-request"];
    const breaking = compareSpecs(before, withNewScope(before)).filter((c) => c.class === "breaking");
    expect(breaking.map((c) => c.message)).toEqual([
      `changed maxItems of response field principal.scopes of ${exchange} from 5 to 6 (status 200)`,
      `added enum value \`cases.archive\` to response field principal.scopes[] of ${exchange} (status 200)`,
    ]);
  });

  it("a removed error status is breaking; an added one is not", () => {
    expect(changes("removed-error-status")).toEqual([["breaking", "removed response status 409 from POST /v1/things"]]);
    expect(changes("removed-error-status", "reversed")).toEqual([
      ["non-breaking", "added response status 409 to POST /v1/things"],
    ]);
  });

  it("a response field that may now be null (3.1 type array) is breaking; the reverse is not", () => {
    expect(changes("nullable-response-field")).toEqual([
      ["breaking", "response field [].thingId of GET /v1/things may now be null (status 200)"],
      ["breaking", "response field thingId of POST /v1/things may now be null (status 201)"],
    ]);
    expect(changes("nullable-response-field", "reversed")).toEqual([
      ["non-breaking", "response field [].thingId of GET /v1/things can no longer be null (status 200)"],
      ["non-breaking", "response field thingId of POST /v1/things can no longer be null (status 201)"],
    ]);
  });

  it("a changed response type is breaking both ways (api-smart-diff says non-breaking)", () => {
    const types = (dir: "forward" | "reversed") =>
      changes("changed-response-type", dir).filter(([, m]) => m.includes("type of"));
    expect(types("forward")).toEqual([
      [
        "breaking",
        "changed the type of response field [].thingId of GET /v1/things from string to integer (status 200)",
      ],
      ["breaking", "changed the type of response field thingId of POST /v1/things from string to integer (status 201)"],
    ]);
    expect(types("reversed").map(([cls]) => cls)).toEqual(["breaking", "breaking"]);
  });

  it("a changed 3.1 const in a response is breaking both ways (api-smart-diff says non-breaking)", () => {
    expect(changes("changed-response-const")).toEqual([
      ["breaking", "changed the fixed value of response field [].ok of GET /v1/things from true to false (status 200)"],
      ["breaking", "changed the fixed value of response field ok of POST /v1/things from true to false (status 201)"],
    ]);
    expect(changes("changed-response-const", "reversed").map(([cls]) => cls)).toEqual(["breaking", "breaking"]);
  });

  it("a narrowed shared error schema is classed where it is used: compatible in responses, whichever way it is $ref'd", () => {
    expect(changes("narrowed-shared-error-schema")).toEqual([
      [
        "non-breaking",
        "changed maxLength of response field error.message of GET /v1/things from 500 to 200 (status 400)",
      ],
      [
        "non-breaking",
        "changed maxLength of response field error.message of POST /v1/things from 500 to 200 (statuses 400, 409)",
      ],
    ]);
    expect(changes("narrowed-shared-error-schema", "reversed").map(([cls]) => cls)).toEqual(["breaking", "breaking"]);
  });

  it("a description beside a $ref (OpenAPI 3.1) is compared too, as an annotation", () => {
    expect(changes("ref-sibling-description")).toEqual([
      ["annotation", "changed the description of request field name of POST /v1/things"],
    ]);
  });

  it("a link added to a response is an annotation: nothing on the wire changes", () => {
    expect(changes("added-link").map(([cls]) => cls)).toEqual(["annotation"]);
  });

  it("descriptions, summaries and examples are annotations", () => {
    expect(changes("documentation-only")).toEqual([
      [
        "annotation",
        "changed info.description from `A small API for one kind of change.` to `A small API, described better.`",
      ],
      ["annotation", "changed the summary of POST /v1/things"],
      ["annotation", "changed the examples of the request body of POST /v1/things"],
    ]);
  });
});

describe("the gate", () => {
  const { before, after } = pair("removed-path");
  const found = compareSpecs(before, after);

  it("a breaking change fails unless info.version's major was raised", () => {
    expect(verdict(found, "1.0.0", "1.0.0").ok).toBe(false);
    expect(verdict(found, "1.0.0", "1.9.0").ok).toBe(false);
    expect(verdict(found, "1.0.0", "2.0.0").ok).toBe(true);
  });

  it("compatible changes and annotations pass without a new major", () => {
    const { before: b, after: a } = pair("new-optional-request-field");
    expect(verdict(compareSpecs(b, a), "1.0.0", "1.0.0")).toEqual({ ok: true, reason: "no breaking change" });
  });
});
