// generated/error-catalogue.ts is built from the spec's error examples: one status and one message per code, or
// `npm run generate` refuses the spec and says which code breaks the rule.
import { describe, expect, it } from "vitest";
import { contractOf, errorCodes, loadContract, readBundle, type ExampleObject } from "../../contract/index.ts";
import { errorCatalogue } from "../../generated/error-catalogue.ts";
import { buildErrorCatalogue } from "../../scripts/error-catalogue.ts";

const envelope = (code: string, message: string): ExampleObject => ({
  value: { ok: false, error: { code, message, details: [] }, requestId: "req_1" },
});

/** A copy of the bundle and the error examples of one of its operation's responses, to change. */
function examplesOf(operationId: string, status: string) {
  const doc = structuredClone(readBundle());
  const examples = contractOf(doc).operation(operationId).responses[status].content?.["application/json"]?.examples;
  if (!examples) throw new Error(`${operationId} ${status} has no examples`);
  return { doc, examples };
}

describe("the error catalogue", () => {
  it("holds every code the spec documents, shared or inline, with its status", () => {
    const documented = errorCodes(loadContract());
    expect(Object.keys(errorCatalogue).sort()).toEqual([...new Set(documented.map((e) => e.code))].sort());
    for (const { status, code } of documented)
      expect(errorCatalogue[code as keyof typeof errorCatalogue].status, code).toBe(Number(status));
  });

  it("names the values a message takes", () => {
    const { doc, examples } = examplesOf("createCase", "409");
    examples.matter_locked = envelope("matter_locked", "Matter {matterRef} is locked for {seconds} s by {matterRef}.");
    expect(buildErrorCatalogue(contractOf(doc))).toContain(
      'matter_locked: { status: 409, message: "Matter {matterRef} is locked for {seconds} s by {matterRef}.", values: ["matterRef","seconds"] }',
    );
  });

  it("refuses a code with two different example messages", () => {
    const { doc, examples } = examplesOf("createSystemToken", "429");
    examples.rate_limited = envelope("rate_limited", "Too many failed attempts. Try again later.");
    expect(() => buildErrorCatalogue(contractOf(doc))).toThrow(/rate_limited has 2 different example messages/);
  });

  it("refuses a code documented under two statuses", () => {
    const { doc, examples } = examplesOf("createCase", "409");
    examples.not_found = envelope("not_found", "No such resource.");
    expect(() => buildErrorCatalogue(contractOf(doc))).toThrow(/not_found is documented under statuses 404, 409/);
  });

  it("refuses a code listed in a description with no example", () => {
    const doc = structuredClone(readBundle());
    const conflict = contractOf(doc).operation("createCase").responses["409"];
    conflict.description += "- `matter_locked`: the matter is locked.\n";
    expect(() => buildErrorCatalogue(contractOf(doc))).toThrow(/matter_locked has no example/);
  });
});
