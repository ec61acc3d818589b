// The typed contract model: what every other part of the repo reads the spec through.
import { describe, expect, it } from "vitest";
import {
  contractOf,
  declaresHeader,
  jsonPointer,
  loadContract,
  pointerSegments,
  readBundle,
  resolveRef,
  valueAt,
} from "../../contract/index.ts";
import { UNDOCUMENTED_FIELD } from "../support/undocumented-field.ts";

describe("the contract model", () => {
  const contract = loadContract();

  it("lists one operation per method of every path, with its scope from its own security requirement", () => {
    const doc = readBundle();
    const expected = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => ["get", "post", "put", "patch", "delete"].includes(k))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(contract.operations.map((op) => `${op.method} ${op.path}`).sort()).toEqual(expected.sort());
    for (const op of contract.operations) {
      const requirement = (op.object.security ?? [])[0] as Record<string, string[]> | undefined;
      expect(op.scope).toBe(requirement ? Object.values(requirement)[0][0] : null);
    }
  });

  it("is loaded once per bundle path", () => {
    expect(loadContract()).toBe(contract);
  });

  it("decides whether an operation writes from its method and responses, not its name", () => {
    for (const op of contract.operations) {
      const safe = ["GET", "HEAD", "OPTIONS", "TRACE"].includes(op.method);
      expect(op.writes, op.operationId).toBe(!safe && (op.method !== "POST" || op.statuses.includes("201")));
    }
    const doc = structuredClone(readBundle());
    const post = (doc.paths?.["/v1/cases"] as { post: { operationId: string } }).post;
    post.operationId = "listSomething";
    expect(contractOf(doc).operation("listSomething").writes).toBe(true);
  });

  it("resolves the request schema, parameters and responses of each operation", () => {
    for (const op of contract.operations) {
      expect(op.requestSchema === undefined || !("$ref" in op.requestSchema)).toBe(true);
      for (const p of op.parameters) expect(p).not.toHaveProperty("$ref");
      for (const r of Object.values(op.responses)) expect(r).not.toHaveProperty("$ref");
    }
  });

  it("reads the scope catalogue and the base paths from the spec", () => {
    const doc = readBundle();
    const schemes = doc.components?.securitySchemes as Record<string, Record<string, unknown>>;
    expect(contract.scopeNames).toEqual(Object.keys(schemes.systemToken["x-scopes"] as object));
    expect(contract.basePaths).toContain("");
  });

  it("finds documented request headers case-insensitively", () => {
    for (const op of contract.operations) {
      const named = op.parameters.find((p) => p.in === "header");
      if (named) expect(declaresHeader(op, named.name.toUpperCase())).toBe(true);
    }
  });

  it("says where a $ref leads nowhere or in a circle, instead of answering undefined", () => {
    const doc = { a: { $ref: "#/b" }, b: { $ref: "#/a" }, c: { $ref: "#/missing" }, "x/y": { ok: 1 } };
    expect(() => resolveRef(doc, doc.a)).toThrow(/circular \$ref/);
    expect(() => resolveRef(doc, doc.c)).toThrow(/points at nothing/);
    expect(resolveRef(doc, { $ref: "#/x~1y" })).toEqual({ ok: 1 });
    expect(valueAt({ d: { $ref: "#/e" }, e: { f: 2 } }, ["d", "f"])).toBe(2);
  });

  it("writes and reads JSON pointers, with ~ and / escaped", () => {
    expect(jsonPointer(["paths", "/v1/cases", "post"])).toBe("#/paths/~1v1~1cases/post");
    expect(pointerSegments(jsonPointer(["a~b/c", 0]))).toEqual(["a~b/c", "0"]);
    expect(pointerSegments("/items/0")).toEqual(["items", "0"]);
    expect(pointerSegments("")).toEqual([]);
  });

  it("finds the operation a request reaches from its method and its path as sent", () => {
    for (const op of contract.operations) {
      const sent = op.path.replace(/\{[^}]+\}/g, "some_id");
      expect(contract.findOperation(op.method.toLowerCase(), sent)).toBe(op);
      expect(contract.findOperation("TRACE", sent)).toBeUndefined();
    }
    const templated = contract.operations.find((op) => op.path.includes("{"));
    expect(templated && contract.findOperation(templated.method, templated.path.replace(/\{[^}]+\}/, "a/b"))).toBe(
      undefined,
    );
  });

  it("reads a schema through its $ref, keyword by keyword", () => {
    expect(contract.readSchema({ $ref: "#/components/schemas/Error" })).toBe(contract.schema("Error"));
    expect(contract.readSchema(undefined)).toBeUndefined();
  });

  it("names an unknown operation and the bundle it was looked for in", () => {
    expect(() => contract.operation("noSuchOperation")).toThrow(
      /noSuchOperation is not an operation of .*openapi.yaml/,
    );
  });

  it("declares no property named as the tests' undocumented field, so tests that add it stay right", () => {
    expect(JSON.stringify(readBundle())).not.toContain(`"${UNDOCUMENTED_FIELD}"`);
  });
});
