// Valid request bodies read from the contract: an operation's first request example, cut to the fields its schema
// requires, with the test's own values on top. A field the spec makes required reaches every test through the
// example (test/contract/examples.test.ts keeps examples valid), so only the tests about that field need an edit.
import { type Contract, type ExampleObject, loadContract, type MediaTypeObject } from "../../contract/index.ts";
import type { RequestBody } from "../../server-stub/handlers/operation-types.ts";

/** The operation's first request example, as the spec writes it. */
export function requestExample(operationId: string, contract: Contract = loadContract()): Record<string, unknown> {
  const op = contract.operation(operationId);
  const media = op.requestBody?.content?.["application/json"];
  const examples = media ? (contract.resolve<MediaTypeObject>(media).examples ?? {}) : {};
  const first = Object.values(examples)[0];
  const value = first && contract.resolve<ExampleObject>(first).value;
  if (value === null || typeof value !== "object") throw new Error(`${operationId} has no request example`);
  return structuredClone(value) as Record<string, unknown>;
}

/** The example's required fields only: the smallest body the spec accepts, as its example fills it. */
export function minimalBody(operationId: string, contract: Contract = loadContract()): Record<string, unknown> {
  const example = requestExample(operationId, contract);
  const required = contract.readSchema(contract.operation(operationId).requestSchema)?.required ?? [];
  return Object.fromEntries(required.map((field) => [field, example[field]]));
}

let cases = 0;

/**
 * A createCase body with a matterRef of its own (unless `fields` sets one) and the test's fields, valid unless the
 * test's own values are not (the field names are checked, their values left to the test).
 */
export function caseBody(
  fields: Partial<Record<keyof RequestBody<"createCase">, unknown>> = {},
): RequestBody<"createCase"> {
  const matterRef = `TEST-${process.pid}-${Date.now()}-${++cases}`;
  return { ...minimalBody("createCase"), matterRef, ...fields } as RequestBody<"createCase">;
}
