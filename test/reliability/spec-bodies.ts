// Request body schemas read from the contract, for tests that build bodies from what the spec declares.
import { loadContract, type ReferenceObject, type SchemaKeywords, type SchemaObject } from "../../contract/index.ts";

/** A schema, or a local $ref to one ("#/components/schemas/PartyInput"), resolved. */
export function resolveSchema(node: SchemaObject | ReferenceObject | undefined): SchemaKeywords | undefined {
  return loadContract().readSchema(node);
}

/** The JSON request body schema of an operation, or undefined when it takes none. */
export function requestBodySchema(operationId: string): SchemaKeywords | undefined {
  return resolveSchema(loadContract().operation(operationId).requestSchema);
}
