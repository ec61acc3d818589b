// Request body schemas read from the contract, for tests that build bodies from what the spec declares.
import { loadContract } from "../../contract/index.ts";

/** Follows local $refs ("#/components/schemas/PartyInput") to the schema object. */
export function resolveSchema(node: any): any {
  return loadContract().resolve(node);
}

/** The JSON request body schema of an operation, or undefined when it takes none. */
export function requestBodySchema(operationId: string): any {
  return loadContract().operation(operationId).requestSchema;
}
